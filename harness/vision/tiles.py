"""The options dialog: which tile is selected. The selected tile's fill differs from the others
(Windows 10: lighter blue, about RGB 1,98,177, against 0,82,146), so each tile's fill is sampled
just left of its title text and the odd one out is the selected tile."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from harness.vision.fuzzy import best_substring_match
from harness.vision.ocr import OcrLine

_TITLE_SIMILARITY = 0.8
_MIN_FILL_DIFFERENCE = 10.0


def tile_fills(
    image: np.ndarray, lines: Sequence[OcrLine], titles: Sequence[str], unit: float
) -> list[tuple[str, np.ndarray, OcrLine]]:
    """(title, mean BGR fill beside its text, the OCR line) for every tile title found."""
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
        # A patch between the icon and the text: the tile's own fill, no glyphs.
        left = max(0, x - int(22 * unit))
        right = max(left + 1, x - int(6 * unit))
        patch = image[y : y + max(1, h), left:right]
        if patch.size == 0:
            continue
        found.append((title, np.median(patch.reshape(-1, 3), axis=0), line))
    return found


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
