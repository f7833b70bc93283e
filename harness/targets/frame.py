"""A frame: one picture of the device's screen and when it was taken."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class FramePreview:
    """The same picture at a reduced resolution, for cheap change detection.

    A JPEG decoded with libjpeg's DCT scaling at 1/8 is the mean of each 8 x 8 block, which is
    what the change detector compares anyway (``harness.vision.signature``); a screen backend
    that has one hands it over so nobody decodes the full picture only to find it unchanged.
    """

    image: np.ndarray
    """BGR ``uint8``, about (height / scale, width / scale, 3)."""
    scale: int
    """How many full-resolution pixels across one preview pixel (2, 4 or 8)."""
    frame_shape: tuple[int, ...]
    """The shape of the full picture (height, width, 3)."""


@dataclass(frozen=True)
class Frame:
    """A BGR ``uint8`` image of shape (height, width, 3), stamped with ``time.monotonic()``.

    ``source`` says where it came from (``sim``, ``libvirt:win11-01``, ``capture:/dev/video0``),
    so a screenshot in a report can be traced back to the backend that delivered it.
    ``preview``, when the backend has one, is the same picture reduced (``FramePreview``).
    """

    image: np.ndarray
    timestamp: float
    source: str
    preview: FramePreview | None = field(default=None, compare=False, repr=False, kw_only=True)

    @property
    def width(self) -> int:
        return int(self.shape[1])

    @property
    def height(self) -> int:
        return int(self.shape[0])

    @property
    def shape(self) -> tuple[int, ...]:
        """The full picture's shape, known without decoding it where it is still encoded."""
        return tuple(self.image.shape)
