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
    coarse = cv2.resize(
        grey, (max(1, width // 8), max(1, height // 8)), interpolation=cv2.INTER_AREA
    )
    coarse = cv2.medianBlur(coarse, 5)
    return cv2.resize(coarse, (width, height), interpolation=cv2.INTER_LINEAR)


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
