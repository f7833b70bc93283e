"""Colour rules in HSV: the explicit check that tells green from red, and the OOBE looks.

Grayscale matching is colour blind (openQA's users found reddish and greenish screens matching
each other), and the result colour is this project's main verdict, so the decision is made on
hue and saturation here, never on brightness alone. Rules are measured over the content of the
frame (where its text is, see ``Page.content``), never over a fixed band of the picture.
"""

from __future__ import annotations

import cv2
import numpy as np

from harness.vision.definition_model import ColourRule
from harness.vision.signature import halved_to
from harness.vision.text_lines import Box

_WORK_WIDTH = 320

# OpenCV HSV: H 0-179. Green results (RGB 0,117,51) have H about 73; red (107,17,16) H about 0.
GREEN = ColourRule(name="green", hsv_min=(45, 110, 45), hsv_max=(95, 255, 255))
RED = ColourRule(name="red", hsv_min=(170, 110, 40), hsv_max=(8, 255, 255))


def small_hsv(picture_bgr: np.ndarray) -> np.ndarray:
    """The picture downscaled for colour statistics (area-averaged, so noise cancels out): by
    exact halvings to between half and all of ``_WORK_WIDTH``; shares need no exact size."""
    return cv2.cvtColor(halved_to(picture_bgr, _WORK_WIDTH), cv2.COLOR_BGR2HSV)


def content_hsv(image_bgr: np.ndarray, box: Box) -> np.ndarray:
    x, y, w, h = box
    part = image_bgr[y : y + h, x : x + w]
    return small_hsv(part if part.size else image_bgr)


def share_in_range(hsv: np.ndarray, rule: ColourRule) -> float:
    """Share of the pixels whose HSV falls in the rule's range (hue may wrap)."""
    if hsv.size == 0:
        return 0.0
    (h_min, s_min, v_min), (h_max, s_max, v_max) = rule.hsv_min, rule.hsv_max
    # cv2.inRange (bounds inclusive) in one pass; a hue range that wraps past 179 is two.
    hues = [(h_min, h_max)] if h_min <= h_max else [(h_min, 179), (0, h_max)]
    inside = 0
    for low, high in hues:
        mask = cv2.inRange(hsv, np.array([low, s_min, v_min]), np.array([high, s_max, v_max]))
        inside += cv2.countNonZero(mask)
    return inside / (hsv.shape[0] * hsv.shape[1])


def rule_passes(share: float, rule: ColourRule) -> bool:
    return rule.min_share <= share <= rule.max_share


def result_colour(
    picture_bgr: np.ndarray, min_share: float = 0.4
) -> tuple[str | None, float, float]:
    """("green" | "red" | None, green share, red share) over the whole picture."""
    hsv = small_hsv(picture_bgr)
    green = share_in_range(hsv, GREEN)
    red = share_in_range(hsv, RED)
    if green >= min_share and green > red:
        return "green", green, red
    if red >= min_share and red > green:
        return "red", green, red
    return None, green, red
