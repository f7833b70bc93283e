"""Red marks drawn over a screenshot (rectangles, arrows): found and painted out of the copy
that buttons are searched on, so that a box drawn around a button does not hide its outline.

A mark is a thin stroke in a saturated red, the colour screenshot tools draw with. Large red
areas (the failure screen's background) are not marks: only what a morphological opening
removes - strokes thinner than a few pixels - is painted out.
"""

from __future__ import annotations

import cv2
import numpy as np

_MIN_SATURATION, _MIN_VALUE = 150, 110
_RED_HUE = 8
"""OpenCV hues run 0-179: red is at both ends."""
_STROKE_SHARE = 0.012
"""A mark's stroke is thinner than this share of the picture height (5 px at 540 lines, where a
tool's 4-8 px stroke at 1080p is 2-4 px)."""
_MIN_MARK_SHARE = 0.0005
"""Fewer stroke pixels than this share of the picture: nothing worth painting out."""


def thin_red_strokes(small_bgr: np.ndarray) -> np.ndarray | None:
    """The mask of thin saturated-red strokes in a reduced picture, None when there are none."""
    hsv = cv2.cvtColor(small_bgr, cv2.COLOR_BGR2HSV)
    hue, saturation, value = cv2.split(hsv)
    red = ((hue <= _RED_HUE) | (hue >= 180 - _RED_HUE)) & (saturation >= _MIN_SATURATION)
    red &= value >= _MIN_VALUE
    mask = red.astype(np.uint8) * 255
    if cv2.countNonZero(mask) < _MIN_MARK_SHARE * mask.size:
        return None
    side = max(3, round(_STROKE_SHARE * small_bgr.shape[0]) | 1)
    kernel = np.ones((side, side), np.uint8)
    thin = cv2.subtract(mask, cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel))
    if cv2.countNonZero(thin) < _MIN_MARK_SHARE * mask.size:
        return None
    # The anti-aliased rim of a stroke is less saturated than its core: take it too.
    return cv2.dilate(thin, np.ones((5, 5), np.uint8))


def painted_out(small_bgr: np.ndarray) -> np.ndarray | None:
    """``small_bgr`` with its thin red marks filled from around them; None when it has none."""
    mask = thin_red_strokes(small_bgr)
    if mask is None:
        return None
    return cv2.inpaint(small_bgr, mask, 3, cv2.INPAINT_TELEA)
