"""The options dialog: which tile is selected. The selected tile's fill differs from the others
(Windows 10: lighter blue, about RGB 1,98,177, against 0,82,146), so each tile's fill is taken
as the dominant colour behind its title text and the odd one out is the selected tile."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from harness.vision.blank import annotation_red
from harness.vision.fuzzy import best_substring_match
from harness.vision.ocr import ReadLine as OcrLine

_TITLE_SIMILARITY = 0.8
_MIN_FILL_DIFFERENCE = 10.0
_ANNOTATION_MIN_RED = 150
"""Brighter than the red of a failure screen (RGB 107,17,16): only drawn annotations."""


def tile_fills(
    image: np.ndarray, lines: Sequence[OcrLine], titles: Sequence[str]
) -> list[tuple[str, np.ndarray, OcrLine]]:
    """(title, BGR fill behind its text, the OCR line) for every tile title found."""
    found: list[tuple[str, np.ndarray, OcrLine]] = []
    for title in titles:
        best: tuple[float, OcrLine] | None = None
        for line in lines:
            score, _ = best_substring_match(title, line.text)
            if score >= _TITLE_SIMILARITY and (best is None or score > best[0]):
                best = (score, line)
        if best is None:
            continue
        line = best[1]
        x, y, w, h = line.box
        # The fill just above and below the title: inside the tile's padding, away from the text
        # (a tight text box is mostly glyphs) and from the icon beside it.
        gap, depth = max(1, h // 6), max(2, h // 3)
        above = image[max(0, y - gap - depth) : max(0, y - gap), x : x + w]
        below = image[y + h + gap : y + h + gap + depth, x : x + w]
        band = np.concatenate([_unannotated(above), _unannotated(below)])
        if band.size == 0:
            continue
        found.append((title, dominant_colour(band), line))
    return found


def _unannotated(part: np.ndarray) -> np.ndarray:
    """The pixels of ``part`` away from a red box drawn around a title on a screenshot (and
    from the blend of its anti-aliased edge with the fill): no tile's fill."""
    if part.size == 0:
        return part.reshape(-1, 3)
    red = annotation_red(part, _ANNOTATION_MIN_RED).astype(np.uint8)
    near_red = cv2.dilate(red, np.ones((5, 5), np.uint8)) > 0
    return part[~near_red]


def dominant_colour(band: np.ndarray) -> np.ndarray:
    """The most common colour of a band (quantised to steps of 8): a tile's fill, since its
    text covers far less of the band than the fill does. OCR boxes often take in the icon, so
    sampling beside the text would risk landing outside the tile."""
    pixels = band.reshape(-1, 3).astype(np.int32)
    keys = (pixels // 8).astype(np.int32)
    packed = (keys[:, 0] << 10) | (keys[:, 1] << 5) | keys[:, 2]
    values, counts = np.unique(packed, return_counts=True)
    winner = values[int(np.argmax(counts))]
    return pixels[packed == winner].mean(axis=0)


def selected_tile(fills: Sequence[tuple[str, np.ndarray, OcrLine]]) -> str | None:
    """The tile whose fill is farthest from the others' median, if clearly different."""
    if len(fills) < 2:
        return None
    colours = np.array([fill for _title, fill, _line in fills], dtype=np.float64)
    distances = []
    for index in range(len(fills)):
        others = np.delete(colours, index, axis=0)
        distances.append(float(np.abs(colours[index] - np.median(others, axis=0)).max()))
    best = int(np.argmax(distances))
    ranked = sorted(distances, reverse=True)
    if ranked[0] < _MIN_FILL_DIFFERENCE:
        return None
    if len(ranked) > 2 and ranked[1] > 0.8 * ranked[0]:
        return None  # two tiles stand out equally: no clear selection
    return fills[best][0]
