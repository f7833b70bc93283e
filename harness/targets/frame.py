"""A frame: one picture of the device's screen and when it was taken."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Frame:
    """A BGR ``uint8`` image of shape (height, width, 3), stamped with ``time.monotonic()``.

    ``source`` says where it came from (``sim``, ``libvirt:win11-01``, ``capture:/dev/video0``),
    so a screenshot in a report can be traced back to the backend that delivered it.
    """

    image: np.ndarray
    timestamp: float
    source: str

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])
