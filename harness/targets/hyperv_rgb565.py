"""Decoding Hyper-V thumbnails: raw RGB565, little-endian, 2 bytes a pixel, rows top to bottom.

``GetVirtualSystemThumbnailImage`` returns this format. Each 5- or 6-bit channel is widened to
8 bits with the rounding formulas of the documented decoder (exact for every input value):

    p  = b[2i] | b[2i+1] << 8
    r5 = p >> 11,  g6 = (p >> 5) & 63,  b5 = p & 31
    r8 = (r5*527 + 23) >> 6,  g8 = (g6*259 + 33) >> 6,  b8 = (b5*527 + 23) >> 6
"""

from __future__ import annotations

import numpy as np

from harness.errors import RigError

BLACK_LEVEL = 8
"""A frame whose every channel is at or below this is "all black" (RGB565 rounds near-black)."""


def decode_rgb565(data: bytes, width: int, height: int) -> np.ndarray:
    """A BGR ``uint8`` image of shape (height, width, 3) from ``width*height*2`` bytes.

    Raises ``RigError`` when the buffer does not hold exactly one frame of that size.
    """
    if width <= 0 or height <= 0:
        raise RigError(f"Hyper-V thumbnail has an impossible size {width}x{height}")
    expected = width * height * 2
    if len(data) != expected:
        problem = "short" if len(data) < expected else "too long"
        raise RigError(
            f"Hyper-V thumbnail buffer is {problem}: {len(data)} bytes, expected {expected} "
            f"for {width}x{height} RGB565 (2 bytes a pixel)"
        )
    pixels = np.frombuffer(data, dtype="<u2").astype(np.uint32).reshape(height, width)
    red = ((pixels >> 11) * 527 + 23) >> 6
    green = (((pixels >> 5) & 63) * 259 + 33) >> 6
    blue = ((pixels & 31) * 527 + 23) >> 6
    return np.stack((blue, green, red), axis=-1).astype(np.uint8)


def is_all_black(image: np.ndarray, *, level: int = BLACK_LEVEL) -> bool:
    """True when no pixel of ``image`` has a channel above ``level``.

    Hyper-V hands out all-zero thumbnails when no console session renders the VM's display
    (a host with no monitor or no logged-on session), which looks exactly like this.
    """
    return image.size == 0 or int(image.max()) <= level
