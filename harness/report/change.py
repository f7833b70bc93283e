"""Decide whether a frame differs from the previous one enough to go into the video.

Capture cards add noise, so exact equality would call every frame "changed". The frame is shrunk
to a 480-pixel-wide colour thumbnail (fine enough to see one status text change; colour kept, so a
red and a green screen differ) and counted as changed when more than ``min_changed_fraction`` of
its pixels moved by more than ``pixel_threshold`` in any channel. Only the last thumbnail is kept.
"""

from __future__ import annotations

import cv2
import numpy as np

THUMBNAIL_WIDTH = 480


class FrameChangeDetector:
    def __init__(self, pixel_threshold: int = 24, min_changed_fraction: float = 0.0001) -> None:
        self.pixel_threshold = pixel_threshold
        self.min_changed_fraction = min_changed_fraction
        self._last: np.ndarray | None = None

    def changed(self, image_bgr: np.ndarray) -> bool:
        """True for the first frame, a new size, or enough changed pixels; remembers the frame."""
        thumbnail = _thumbnail(image_bgr)
        previous, self._last = self._last, thumbnail
        if previous is None or previous.shape != thumbnail.shape:
            return True
        difference = cv2.absdiff(previous, thumbnail)
        if difference.ndim == 3:
            difference = difference.max(axis=2)
        moved = int(np.count_nonzero(difference > self.pixel_threshold))
        return moved > self.min_changed_fraction * difference.size


def _thumbnail(image: np.ndarray) -> np.ndarray:
    height, width = image.shape[:2]
    if width <= THUMBNAIL_WIDTH:
        return image.copy()
    new_height = max(1, round(height * THUMBNAIL_WIDTH / width))
    return cv2.resize(image, (THUMBNAIL_WIDTH, new_height), interpolation=cv2.INTER_AREA)
