"""Did the picture change? The one change detector of the harness (flow, bundle, video).

Three answers, because the flow needs to tell a frozen capture from a stuck device:

- ``IDENTICAL``: the same picture as the reference (byte-identical or within capture noise with
  nothing moving). Many in a row with no animation is what a frozen capture looks like.
- ``ANIMATED``: only small animated areas moved (the ESP's progress dots, a spinner, a blinking
  cursor): the content is the same, so nothing is re-read, but the device is alive.
- ``CHANGED``: the content changed: classify again. The new picture becomes the reference.

First version: exact comparison plus the old thumbnail threshold; to be replaced by a detector
that recognises animation and costs <= 1 ms for an unchanged 1080p frame.
"""

from __future__ import annotations

import enum

import numpy as np

from harness.vision.frames import frames_differ


class Change(enum.Enum):
    IDENTICAL = "identical"
    ANIMATED = "animated"
    CHANGED = "changed"


class ChangeDetector:
    """Compares each picture with the last one that counted as changed."""

    def __init__(self) -> None:
        self._reference: np.ndarray | None = None
        self._previous: np.ndarray | None = None

    def compare(self, image: np.ndarray) -> Change:
        previous, self._previous = self._previous, image
        if self._reference is None or frames_differ(self._reference, image):
            self._reference = image
            return Change.CHANGED
        if previous is not None and np.array_equal(previous, image):
            return Change.IDENTICAL
        return Change.ANIMATED

    def reset(self) -> None:
        self._reference = None
        self._previous = None
