"""Where is the picture inside letterbox / pillarbox bars or a dark bezel (``active_area``)."""

from __future__ import annotations

import cv2
import numpy as np

from harness.vision.blank import DARK_LEVEL
from harness.vision.signature import area_resize

_BORDER_STD = 10.0
"""A border row or column varies by less than this (grey levels, standard deviation)."""
_BORDER_GREY_DISTANCE = 14.0
"""... its mean grey stays this close to the grey of the frame's corners (the bar / bezel) ..."""
_BORDER_CHROMA = 24.0
"""... and it is nearly neutral (max - min channel): bars and bezels are black or dark grey, while
the dark backgrounds of Windows screens (Windows 10 blue, the red result screen) are coloured."""
_MIN_ACTIVE_FRACTION = 0.2
"""A "picture" smaller than this part of the frame is content on a black screen (a firmware
logo), not a picture inside bars: the whole frame is returned."""


def _border_stats(img: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean grey, grey standard deviation and mean chroma of every row (axis=1) or column (0)."""
    if img.ndim == 3:
        img = np.ascontiguousarray(img)
        grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY).astype(np.float32)
        # OpenCV, not ndarray.max(axis=2): numpy reduces a length-3 last axis ten times slower.
        blue, green, red = cv2.split(img)
        spread = cv2.subtract(
            cv2.max(cv2.max(blue, green), red), cv2.min(cv2.min(blue, green), red)
        )
        chroma = spread.mean(axis=axis, dtype=np.float32)
    else:
        grey = img.astype(np.float32)
        chroma = np.zeros(grey.shape[1 - axis], np.float32)
    return grey.mean(axis=axis), grey.std(axis=axis), chroma


def _is_border(stats: tuple[np.ndarray, np.ndarray, np.ndarray], corner: float) -> np.ndarray:
    means, stds, chromas = stats
    return (
        (stds < _BORDER_STD)
        & (np.abs(means - corner) < _BORDER_GREY_DISTANCE)
        & (chromas < _BORDER_CHROMA)
    )


def _leading_run(border: np.ndarray) -> int:
    not_border = np.flatnonzero(~border)
    return int(not_border[0]) if not_border.size else len(border)


def active_area(img: np.ndarray) -> tuple[int, int, int, int]:
    """(x, y, width, height) of the picture inside letterbox / pillarbox bars or a dark bezel.

    A border is a run of rows (columns) from an edge that are dark, neutral, nearly uniform and
    the same grey as the corners. Runs are found on a quarter-size image (noise averages out, 4K
    costs milliseconds), then each edge is refined on the full-size rows around it, so the box is
    exact to a pixel. A frame without borders, or one that is (nearly) all border, gives the whole
    frame.
    """
    height, width = img.shape[:2]
    whole = (0, 0, width, height)
    scale = 4 if min(height, width) >= 256 else 1
    small = area_resize(img, (width // scale, height // scale))
    corner_pixels = np.concatenate([small[:2, :2].reshape(4, -1), small[-2:, -2:].reshape(4, -1)])
    corner_grey = float(np.median(_border_stats(corner_pixels[:, None, ...], axis=1)[0]))
    corner_chroma = float(np.median(np.ptp(corner_pixels, axis=1))) if img.ndim == 3 else 0.0
    if corner_grey >= DARK_LEVEL or corner_chroma >= _BORDER_CHROMA:
        return whole

    edges = []
    for axis in (1, 0):  # rows (top, bottom), then columns (left, right)
        border = _is_border(_border_stats(small, axis), corner_grey)
        length = height if axis == 1 else width
        for from_end in (False, True):
            coarse = _leading_run(border[::-1] if from_end else border)
            edges.append(_refine(img, axis, from_end, coarse * scale, scale, length, corner_grey))
    top, bottom, left, right = edges
    x0, y0, x1, y1 = left, top, width - right, height - bottom
    if x1 <= x0 or y1 <= y0 or (x1 - x0) * (y1 - y0) < _MIN_ACTIVE_FRACTION * width * height:
        return whole
    return x0, y0, x1 - x0, y1 - y0


def _refine(
    img: np.ndarray, axis: int, from_end: bool, guess: int, scale: int, length: int, corner: float
) -> int:
    """The exact border width near ``guess``, measured on full-size rows (columns)."""
    if scale == 1 or guess >= length:
        return min(guess, length)
    start = max(0, guess - scale)
    stop = min(length, guess + scale)
    index = slice(length - stop, length - start) if from_end else slice(start, stop)
    band = img[index] if axis == 1 else img[:, index]
    border = _is_border(_border_stats(band, axis), corner)
    if from_end:
        border = border[::-1]
    return start + _leading_run(border)
