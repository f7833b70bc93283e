"""Cheap whole-frame facts, one module each; this one keeps the names other code imports.

- did the picture change: ``harness.vision.change`` (``ChangeDetector``, ``Change``), on the
  signatures of ``harness.vision.signature``;
- is it blank (black, one colour, "No Signal", a firmware logo): ``harness.vision.blank``;
- where is the picture inside bars or a bezel: ``harness.vision.borders`` (``active_area``);
- wait until the screen is still: ``harness.vision.still``.

Vision knows nothing of targets: a frame is anything with ``.image`` (BGR ``uint8``) and
``.timestamp`` (``time.monotonic()`` seconds), which ``harness.targets.frame.Frame`` satisfies.
"""

from __future__ import annotations

import numpy as np

from harness.vision.blank import (
    BLANK_TOLERANCE,
    DARK_LEVEL,
    NEGLIGIBLE_CONTENT,
    blank_kind,
    blank_kind_of_thumbnail,
    is_black,
    is_no_signal,
    is_uniform,
    looks_like_firmware_logo,
)
from harness.vision.borders import active_area
from harness.vision.change import (
    NOISE_THRESHOLD,
    Change,
    ChangeDetector,
    FrameLike,
    is_identical,
    is_new_frame,
)
from harness.vision.signature import SignatureMaker, area_resize, largest_difference
from harness.vision.still import StillScreenTimeout, wait_for_still_screen

__all__ = [
    "BLANK_TOLERANCE",
    "CHANGE_THRESHOLD",
    "DARK_LEVEL",
    "NEGLIGIBLE_CONTENT",
    "Change",
    "ChangeDetector",
    "FrameLike",
    "StillScreenTimeout",
    "active_area",
    "area_resize",
    "blank_kind",
    "blank_kind_of_thumbnail",
    "frame_difference",
    "frames_differ",
    "is_black",
    "is_identical",
    "is_new_frame",
    "is_no_signal",
    "is_uniform",
    "looks_like_firmware_logo",
    "wait_for_still_screen",
]

CHANGE_THRESHOLD = float(NOISE_THRESHOLD)
"""Largest cell difference (0-255) still counted as "the same picture" (the detector's)."""


def frame_difference(a: np.ndarray, b: np.ndarray) -> float:
    """How different two frames look, 0 (same) to 255: the largest signature cell difference
    (255 for frames of different sizes)."""
    make = SignatureMaker()
    return largest_difference(make(a), make(b))


def frames_differ(a: np.ndarray, b: np.ndarray, threshold: float = CHANGE_THRESHOLD) -> bool:
    """Deprecated: use one ``ChangeDetector`` per stream of frames (it tells animation from
    content and keeps the last changed picture as its reference).

    True when ``b`` is not the same picture as ``a`` within capture noise, animation included:
    comparing only two frames, a small difference cannot be told from animation, so it counts.
    """
    detector = ChangeDetector(noise_threshold=threshold)
    detector.compare(a)
    return detector.compare(b) is not Change.IDENTICAL
