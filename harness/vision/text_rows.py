"""Glyph boxes sorted into rows: glyphs whose centres share a band, before ``text_lines`` splits
each row into lines where the gap or the size jumps."""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass

import numpy as np

_DOT_SHARE = 0.45
"""A glyph lower than this share of the page's letter height (the 75th percentile of glyph
heights: capitals and ascenders) is a dot, not a letter."""
_ROW_SIZE = (0.4, 2.5)
"""A glyph joins a row when its height is this share of the row's median glyph so far (commas
and capitals, x-height letters and ascenders, whole blurred words)."""


@dataclass(slots=True)
class _OpenRow:
    """A row being collected: its band of centres, its glyphs' heights, its extent across."""

    top: float
    bottom: float
    baseline: float
    """The first glyph's bottom: a glyph that starts below it belongs to the line under it."""
    left: int
    right: int
    index: int
    heights: list[int]


def glyph_rows(glyphs: np.ndarray) -> list[np.ndarray]:
    """Glyphs whose centres share a band, by rows. A glyph far from the size of a row (an icon
    or a QR module column beside text) starts a row of its own instead of joining it: so a
    tall element beside two text rows does not chain them into one, and text beside an icon
    is not cut around it."""
    if len(glyphs) == 0:
        return []
    centres = glyphs[:, 1] + glyphs[:, 3] / 2
    # Dots (of an i, accents, full stops, JPEG speckle) join rows after the letters: a row that
    # began with one would end at the dot's bottom and leave the letters for another row.
    is_dot = glyphs[:, 3] < _DOT_SHARE * float(np.percentile(glyphs[:, 3], 75))
    dots = np.flatnonzero(is_dot)
    dot_flags = is_dot.tolist()
    order = [index for index in np.argsort(centres, kind="stable").tolist() if not dot_flags[index]]
    # Plain Python numbers: numpy scalars cost several times as much in this loop.
    boxes: list[list[int]] = glyphs.tolist()
    middles: list[float] = centres.tolist()
    rows: list[list[int]] = []
    open_rows: list[_OpenRow] = []
    low, high = _ROW_SIZE
    for index in order:
        x, y, w, h = boxes[index]
        centre = middles[index]
        # The row nearest across (text beside a QR code keeps to its own row), then the one
        # that started nearest above it. Inlined: this loop runs for every glyph of a frame.
        open_rows = [row for row in open_rows if row.bottom >= centre]
        best: _OpenRow | None = None
        best_near = best_top = 0.0
        # Conditional expressions, not min() and max(): a builtin call per comparison was a
        # third of this loop's time.
        for candidate in open_rows:
            if candidate.top > centre or y >= candidate.baseline:
                continue
            heights = candidate.heights
            middle = heights[len(heights) // 2]
            if not low <= h / (middle if middle > 1 else 1) <= high:
                continue
            after, before = x - candidate.right, candidate.left - x - w
            apart = after if after > before else before
            near = -apart if apart > 0 else 0.0
            if best is None or near > best_near or (near == best_near and candidate.top > best_top):
                best, best_near, best_top = candidate, near, candidate.top
        if best is not None:
            rows[best.index].append(index)
            # Sorted by centre, the band only grows down (descenders), by the middle half of
            # each glyph, so that one tall glyph does not chain the next row in.
            reach = y + 0.8 * h + 1
            if reach > best.bottom:
                best.bottom = reach
            if x < best.left:
                best.left = x
            if x + w > best.right:
                best.right = x + w
            insort(best.heights, h)
            continue
        rows.append([index])
        # Wide enough that a word of x-height letters ("vance") joins one with ascenders.
        open_rows.append(
            _OpenRow(y + 0.2 * h, y + 0.8 * h + 1, y + h, x, x + w, len(rows) - 1, [h])
        )
    _place_dots(glyphs, dots, rows)
    return [glyphs[indices] for indices in rows]


def _place_dots(glyphs: np.ndarray, dots: np.ndarray, rows: list[list[int]]) -> None:
    """Each dot joins the row whose glyphs span its centre (across, its nearest), else makes a
    row of its own (a lone dot is dropped as no line later)."""
    boxes: list[list[int]] = glyphs.tolist()
    spans = []
    for indices in rows:
        members = [boxes[index] for index in indices]
        spans.append(
            (
                min(box[1] for box in members),
                max(box[1] + box[3] for box in members),
                min(box[0] for box in members),
                max(box[0] + box[2] for box in members),
            )
        )
    for index in dots.tolist():
        x, y, w, h = boxes[index]
        centre = y + h / 2
        best = min(
            (
                (max(0, x - right, left - x - w), number)
                for number, (top, bottom, left, right) in enumerate(spans)
                if top <= centre <= bottom
            ),
            default=None,
        )
        if best is None:
            rows.append([index])
        else:
            rows[best[1]].append(index)
