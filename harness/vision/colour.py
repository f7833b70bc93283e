"""Colour rules over large regions, in HSV: the explicit check that tells green from red.

Grayscale matching is colour blind (openQA's users found reddish and greenish screens matching
each other), and the result colour is this project's main verdict, so the decision is made on
hue and saturation here, never on brightness alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from harness.vision.definitions import ColourRule

_WORK_WIDTH = 320

# OpenCV HSV: H 0-179. Green results (RGB 0,117,51) have H about 73; red (107,17,16) H about 0.
GREEN = ColourRule("green", (0, 0, 1, 1), (45, 110, 45), (95, 255, 255))
RED = ColourRule("red", (0, 0, 1, 1), (170, 110, 40), (8, 255, 255))


@dataclass(frozen=True)
class ColourScore:
    rule: str
    share: float
    passed: bool


def small_hsv(picture_bgr: np.ndarray) -> np.ndarray:
    """The picture downscaled for colour statistics (area-averaged, so noise cancels out)."""
    width = picture_bgr.shape[1]
    scale = min(1.0, _WORK_WIDTH / max(1, width))
    small = cv2.resize(picture_bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(small, cv2.COLOR_BGR2HSV)


def share_in_range(hsv: np.ndarray, rule: ColourRule) -> float:
    """Share of the rule's region whose pixels fall in the rule's HSV range (hue may wrap)."""
    height, width = hsv.shape[:2]
    rx, ry, rw, rh = rule.region
    x0, y0 = int(rx * width), int(ry * height)
    x1, y1 = max(x0 + 1, int((rx + rw) * width)), max(y0 + 1, int((ry + rh) * height))
    part = hsv[y0:y1, x0:x1]
    if part.size == 0:
        return 0.0
    h, s, v = part[..., 0], part[..., 1], part[..., 2]
    (h_min, s_min, v_min), (h_max, s_max, v_max) = rule.hsv_min, rule.hsv_max
    hue_ok = (h >= h_min) & (h <= h_max) if h_min <= h_max else (h >= h_min) | (h <= h_max)
    inside = hue_ok & (s >= s_min) & (s <= s_max) & (v >= v_min) & (v <= v_max)
    return float(inside.mean())


def score_rule(hsv: np.ndarray, rule: ColourRule) -> ColourScore:
    share = share_in_range(hsv, rule)
    return ColourScore(rule.name, share, rule.min_share <= share <= rule.max_share)


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
