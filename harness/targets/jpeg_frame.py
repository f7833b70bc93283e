"""A frame kept as the JPEG bytes a stream delivered: previewed cheaply, decoded only if needed.

Watching a device mostly finds the screen unchanged, and a full 1080p JPEG decode costs about
6 ms here (docs/benchmarks.md). libjpeg can decode at 1/2, 1/4 or 1/8 of the size by DCT
scaling (OpenCV's ``IMREAD_REDUCED_COLOR_*``): at 1/8 only each block's DC coefficient is
transformed, about 1.8 ms at 1080p, and the result is the mean of each 8 x 8 block - the cell
grid the change detector compares (``harness.vision.signature``). So a frame carries that
preview, and its full picture (``image``) is decoded on first use: when the content changed
and the screen must be read, or when a screenshot is saved.
"""

from __future__ import annotations

import threading

import cv2
import numpy as np

from harness.targets.frame import Frame, FramePreview

PREVIEW_SCALE = 8
_REDUCED_COLOR = {
    1: cv2.IMREAD_COLOR,
    2: cv2.IMREAD_REDUCED_COLOR_2,
    4: cv2.IMREAD_REDUCED_COLOR_4,
    8: cv2.IMREAD_REDUCED_COLOR_8,
}
# Start-of-frame markers carry the picture's size: SOF0-SOF15 but DHT (C4), JPG (C8), DAC (CC).
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


class JpegError(ValueError):
    """The bytes are not a JPEG picture OpenCV can decode."""


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the JPEG's start-of-frame header, without decoding anything."""
    if data[:2] != b"\xff\xd8":
        raise JpegError("no JPEG start-of-image marker")
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            raise JpegError(f"no JPEG marker at byte {at}")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte before a marker
            at += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            at += 2
            continue
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        if marker in _SOF_MARKERS and at + 9 <= len(data):
            height = int.from_bytes(data[at + 5 : at + 7], "big")
            width = int.from_bytes(data[at + 7 : at + 9], "big")
            return width, height
        at += 2 + length
    raise JpegError("no JPEG start-of-frame header")


def decode_jpeg(data: bytes, scale: int = 1) -> np.ndarray:
    """BGR ``uint8`` at 1/``scale`` of the size (1, 2, 4 or 8; libjpeg's DCT scaling)."""
    image = cv2.imdecode(np.frombuffer(data, np.uint8), _REDUCED_COLOR[scale])
    if image is None:
        raise JpegError(f"undecodable JPEG ({len(data)} bytes)")
    return image


def preview_of(data: bytes, scale: int = PREVIEW_SCALE) -> FramePreview:
    width, height = jpeg_size(data)
    return FramePreview(image=decode_jpeg(data, scale), scale=scale, frame_shape=(height, width, 3))


class JpegFrame(Frame):
    """A ``Frame`` whose ``image`` is decoded from ``jpeg`` on first use (then kept).

    >>> frame = JpegFrame(data, timestamp=time.monotonic(), source="capture:http://kvm/stream")
    >>> frame.preview.image.shape   # (135, 240, 3) for 1080p: decoded now, about 1.8 ms
    >>> frame.image.shape           # (1080, 1920, 3): decoded here, about 6 ms
    """

    jpeg: bytes
    _decoded: np.ndarray | None
    _decode_lock: threading.Lock

    def __init__(
        self,
        jpeg: bytes,
        *,
        timestamp: float,
        source: str,
        preview: FramePreview | None = None,
    ) -> None:
        # Frame is a frozen dataclass: its fields are set the way its own __init__ sets them.
        object.__setattr__(self, "jpeg", jpeg)
        object.__setattr__(self, "timestamp", timestamp)
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "preview", preview if preview is not None else preview_of(jpeg))
        object.__setattr__(self, "_decoded", None)
        object.__setattr__(self, "_decode_lock", threading.Lock())

    @property  # type: ignore[override]
    def image(self) -> np.ndarray:
        with self._decode_lock:
            if self._decoded is None:
                object.__setattr__(self, "_decoded", decode_jpeg(self.jpeg))
            return self._decoded

    @property
    def decoded(self) -> bool:
        """Whether the full picture has been decoded (the cost was paid)."""
        return self._decoded is not None

    @property
    def shape(self) -> tuple[int, ...]:
        assert self.preview is not None
        return self.preview.frame_shape

    def __repr__(self) -> str:
        height, width = self.shape[:2]
        return f"JpegFrame({width}x{height}, {len(self.jpeg)} bytes, t={self.timestamp:.3f})"
