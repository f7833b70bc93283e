"""Decoding what ``virDomain.screenshot`` streams back into a BGR image.

QEMU answers with the mime type of the data it produced: ``image/x-portable-pixmap`` (binary PPM,
``P6``) on the QEMU of Debian 12, ``image/png`` on newer QEMU. PPM is parsed here (a 15-line
header reader plus numpy), because it is the common case and the format is trivial; PNG and
anything else OpenCV can read go through ``cv2.imdecode``. No libvirt import: the decoding is
unit-tested without a daemon.
"""

from __future__ import annotations

import cv2
import numpy as np

from harness.errors import NoFrame

PPM_MIME = "image/x-portable-pixmap"
PNG_MIME = "image/png"
_WHITESPACE = b" \t\r\n\x0b\x0c"


def decode_screenshot(mime: str, data: bytes, *, source: str) -> np.ndarray:
    """The picture as a BGR ``uint8`` array of shape (height, width, 3); NoFrame when unreadable."""
    if not data:
        raise NoFrame(f"{source}: the screenshot stream was empty ({mime or 'no mime type'})")
    if mime == PPM_MIME or data[:2] == b"P6":
        return decode_ppm(data, source=source)
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise NoFrame(f"{source}: cannot decode a {mime or 'typeless'} screenshot of {len(data)} B")
    return image


def decode_ppm(data: bytes, *, source: str = "ppm") -> np.ndarray:
    """Binary PPM (``P6``, maxval 1..65535, ``#`` comments in the header) to BGR ``uint8``."""
    fields: list[bytes] = []
    position = 0
    while len(fields) < 4:
        position = _skip_whitespace_and_comments(data, position)
        start = position
        while position < len(data) and data[position] not in _WHITESPACE:
            position += 1
        if start == position:
            raise NoFrame(f"{source}: truncated PPM header")
        fields.append(data[start:position])
    # Exactly one whitespace byte separates the header from the pixels.
    position += 1
    magic, width_text, height_text, maxval_text = fields
    if magic != b"P6":
        raise NoFrame(f"{source}: not a binary PPM (magic {magic[:8]!r})")
    try:
        width, height, maxval = int(width_text), int(height_text), int(maxval_text)
    except ValueError:
        raise NoFrame(f"{source}: PPM header has non-numeric size or maxval") from None
    if width <= 0 or height <= 0 or not 0 < maxval < 65536:
        raise NoFrame(f"{source}: PPM header out of range: {width}x{height}, maxval {maxval}")
    sample_type = np.dtype(np.uint8) if maxval < 256 else np.dtype(">u2")
    expected = width * height * 3 * sample_type.itemsize
    pixels = data[position : position + expected]
    if len(pixels) != expected:
        raise NoFrame(f"{source}: PPM holds {len(pixels)} pixel bytes, expected {expected}")
    rgb = np.frombuffer(pixels, dtype=sample_type).reshape(height, width, 3)
    if maxval != 255:
        rgb = (rgb.astype(np.uint32) * 255 + maxval // 2) // maxval
    return np.ascontiguousarray(rgb[:, :, ::-1], dtype=np.uint8)


def _skip_whitespace_and_comments(data: bytes, position: int) -> int:
    while position < len(data):
        if data[position] in _WHITESPACE:
            position += 1
        elif data[position] == ord("#"):
            while position < len(data) and data[position] not in b"\r\n":
                position += 1
        else:
            break
    return position
