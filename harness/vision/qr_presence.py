"""Is there likely a QR code on this frame? A cheap check that gates ``decode_qr``'s fallbacks.

zbar on the grey frame reads every code of realistic size; the fallbacks (hint crop, 2x upscale,
Otsu, OpenCV) exist for small, blurred codes and cost 5 times as much. On a frame without a code
they all run for nothing (140 ms at 1080p before this check). So after the first zbar pass the
fallbacks run only when the frame shows QR finder patterns:

- a local (adaptive) threshold, then contours with their nesting (``RETR_TREE``);
- a finder pattern is a dark square ring around a light ring around a dark core (7, 5 and 3
  modules across): a square contour with a child that has a child, of those proportions;
- three of them of similar size at the corners of an L (two equal sides at a right angle).

Measured (bench/qr_decoders.py, docs/vision-frames.md): the check finds all three finder patterns
on every hard frame (2-3 px modules, blurred, scaled, JPEG-40), and no L of finders on the
screens of the flow without a code (the options tiles' icons are nested squares, but never an L).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import cv2
import numpy as np

_BLOCK = 31
"""Side of the adaptive threshold's neighbourhood: larger than a module of any code we read."""
_OFFSET = 20
"""A pixel is dark when this much darker than its neighbourhood: above capture noise (sigma 8
gives speckle at 12, and thousands of tiny contours), below the contrast of blurred 2 px
modules."""
_MIN_SIDE = 7
"""Smallest finder pattern, in pixels (1 px modules: no decoder reads those anyway)."""
_MAX_CANDIDATES = 12
"""Finder-like squares considered for the L (a frame with a code has three; text has none)."""


def finder_patterns(grey: np.ndarray) -> list[tuple[float, float, float]]:
    """(x, y, side) of every finder-pattern-like nested square on a grey image."""
    binary = cv2.adaptiveThreshold(
        grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, _BLOCK, _OFFSET
    )
    contours, hierarchy = cv2.findContours(binary, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    links = hierarchy[0]  # per contour: next, previous, first child, parent
    found = []
    for index in np.flatnonzero(links[:, 2] >= 0):
        x, y, w, h = cv2.boundingRect(contours[index])
        if (
            min(w, h) >= _MIN_SIDE
            and _squarish(w, h)
            and _has_ring_and_core(contours, links, index, w)
        ):
            found.append((x + w / 2, y + h / 2, (w + h) / 2))
    return found


def _squarish(w: float, h: float) -> bool:
    return 0.6 < w / h < 1.6


def _has_ring_and_core(
    contours: Sequence[np.ndarray], links: np.ndarray, index: int, outer: int
) -> bool:
    """A child (the light ring's inside edge, 5/7 of the outer side) holding a dark core (3/7)."""
    child = int(links[index][2])
    while child >= 0:
        grandchild = int(links[child][2])
        if grandchild >= 0:
            ring = cv2.boundingRect(contours[child])[2]
            _, _, core_w, core_h = cv2.boundingRect(contours[grandchild])
            if (
                0.45 < ring / outer < 0.9
                and 0.2 < core_w / outer < 0.65
                and _squarish(core_w, core_h)
            ):
                return True
        child = int(links[child][0])
    return False


Pattern = tuple[float, float, float]
"""A finder pattern: centre x, centre y, side."""


def qr_corner(patterns: list[Pattern]) -> tuple[Pattern, Pattern, Pattern] | None:
    """Three patterns of similar size at the corners of an L (two equal sides, a right angle):
    (corner, first, second), or None."""
    for corner, first, second in itertools.permutations(patterns[:_MAX_CANDIDATES], 3):
        sides = (corner[2], first[2], second[2])
        if max(sides) > 1.5 * min(sides):
            continue
        ax, ay = first[0] - corner[0], first[1] - corner[1]
        bx, by = second[0] - corner[0], second[1] - corner[1]
        length_a, length_b = math.hypot(ax, ay), math.hypot(bx, by)
        # Finder centres are at least 14 modules apart: twice the pattern's side.
        if min(length_a, length_b) < 2 * corner[2] or not 0.75 < length_a / length_b < 1.33:
            continue
        if abs(ax * bx + ay * by) < 0.3 * length_a * length_b:  # within ~17 degrees of square
            return corner, first, second
    return None


def forms_qr_corner(patterns: list[Pattern]) -> bool:
    return qr_corner(patterns) is not None


def likely_has_qr(grey: np.ndarray) -> bool:
    """True when the grey image shows three QR finder patterns in an L."""
    return forms_qr_corner(finder_patterns(grey))
