"""How right an OCR engine was: text similarity, title found, detection recall and precision.

Texts are compared after ``harness.vision.fuzzy.normalise`` (lower case, typographic quotes and
ellipsis folded, stray symbols dropped, spaces collapsed): the form vision matches text in.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from itertools import pairwise

import numpy as np

from harness.vision.fuzzy import normalise
from harness.vision.ocr_engine import Box

COVERED = 0.6
"""A drawn line counts as detected when detected boxes cover this share of its box."""

INSIDE = 0.5
"""A detected box counts as text when this share of it lies on drawn text (grown by a margin:
detectors keep some background around the glyphs)."""


def similarity(expected: str, read: str) -> float:
    return SequenceMatcher(None, normalise(expected), normalise(read), autojunk=False).ratio()


def exact(expected: str, read: str) -> bool:
    return normalise(expected) == normalise(read)


def title_match(title: str, lines: list[str]) -> tuple[float, str]:
    """The best similarity of ``title`` to one read line or two consecutive ones joined (a long
    title wraps), and that text."""
    candidates = list(lines) + [f"{a} {b}" for a, b in pairwise(lines)]
    best = (0.0, "")
    for candidate in candidates:
        score = similarity(title, candidate)
        if score > best[0]:
            best = (score, candidate)
    return best


def _mask(boxes: list[Box], shape: tuple[int, int], grow: float = 0.0) -> np.ndarray:
    mask = np.zeros(shape, bool)
    for x, y, w, h in boxes:
        margin = round(h * grow)
        mask[max(0, y - margin) : y + h + margin, max(0, x - margin) : x + w + margin] = True
    return mask


def detection_counts(
    drawn: list[Box], detected: list[Box], shape: tuple[int, int]
) -> tuple[int, int]:
    """(drawn lines found, detected boxes on text) for one frame."""
    found_mask = _mask(detected, shape)
    found = 0
    for x, y, w, h in drawn:
        area = found_mask[y : y + h, x : x + w]
        if area.size and float(area.mean()) >= COVERED:
            found += 1
    text_mask = _mask(drawn, shape, grow=0.5)
    on_text = 0
    for x, y, w, h in detected:
        area = text_mask[y : y + h, x : x + w]
        if area.size and float(area.mean()) >= INSIDE:
            on_text += 1
    return found, on_text
