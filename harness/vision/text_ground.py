"""The background levels a text stroke must differ from, for ``text_lines``.

A stroke found by top-hat must also differ from the local background in its own direction:
otherwise the gaps between light lines would read as dark text (and the holes of dark letters as
light text). Which level "the local background" is matters in dense text; see
``_sampled_background``.
"""

from __future__ import annotations

import cv2
import numpy as np


def _background(grey: np.ndarray) -> np.ndarray:
    """The local background level: the median of a coarse (1/8) copy, where text is a minority
    of every neighbourhood."""
    height, width = grey.shape
    coarse = cv2.medianBlur(_eighth(grey), 5)
    return cv2.resize(coarse, (width, height), interpolation=cv2.INTER_LINEAR)


def _eighth(grey: np.ndarray) -> np.ndarray:
    """``grey`` reduced to 1/8 by area averages, as ``cv2.resize(INTER_AREA)`` does: from the
    integral image, read at the cells' fractional edges (a pixel is constant over its square,
    so the integral is bilinear between its corners: the reading is exact). A side that is no
    multiple of 8 (532 or 540 lines) puts OpenCV on its general area path, about 1 ms for the
    picture of a 1080p frame here; this is 0.25 ms. OpenCV sums in float32: a cell within
    rounding of a half level may come out one level apart (0.1 % of the cells of the bench's
    screens)."""
    height, width = grey.shape
    columns, rows = max(1, width // 8), max(1, height // 8)
    summed = cv2.integral(grey)
    left, left_share = _cell_edges(width, columns)
    top, top_share = _cell_edges(height, rows)
    at_rows = summed[top].astype(np.float64)
    at_rows += (summed[top + 1] - summed[top]) * top_share[:, None]
    at_edges = at_rows[:, left]
    at_edges += (at_rows[:, left + 1] - at_edges) * left_share
    cells = np.diff(np.diff(at_edges, axis=0), axis=1)
    return np.rint(cells * (columns * rows / (width * height))).astype(np.uint8)


def _cell_edges(pixels: int, cells: int) -> tuple[np.ndarray, np.ndarray]:
    """The pixel each cell edge falls in (the last edge: in the last pixel, at its far side)
    and how far into it."""
    edges = np.arange(cells + 1) * (pixels / cells)
    pixel = np.minimum(edges.astype(np.int64), pixels - 1)
    return pixel, edges - pixel


def stroke_grounds(grey: np.ndarray) -> dict[str, np.ndarray]:
    """The level each polarity's strokes must differ from: light strokes must stand above both
    ``_background`` and ``_sampled_background``, dark ones below both (see the latter for why
    one level is not enough)."""
    smoothed = _background(grey)
    sampled = np.ascontiguousarray(grey[2::4, 2::4])
    if sampled.size == 0:
        return {"light": smoothed, "dark": smoothed}
    ground = _sampled_background(sampled, grey.shape)
    return {"light": cv2.max(smoothed, ground), "dark": cv2.min(smoothed, ground)}


def _sampled_background(sampled: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The local ground as the median of the pixels around (``sampled``: every 4th): the
    ground itself, where dense text is still a minority of the pixels. ``_background`` averages
    cells first, which mixes their text in: in an ESP's block of phases and steps its level
    lies a fifth of the way to the text, so the band between two close dark lines was lighter
    than it and passed for light text (and the band between light lines for dark text). That
    shifted level is kept as well: alone, the ground as sampled lets a blurred glyph's halo
    into the glyph."""
    height, width = shape[:2]
    return cv2.resize(cv2.medianBlur(sampled, 9), (width, height), interpolation=cv2.INTER_LINEAR)
