"""Clean-up of the lines both polarities found: one line per place, no gaps between lines read
as text, pieces of one line joined. Called by ``text_lines.detect_lines_reduced``."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.vision.text_lines import TextLine

Box = tuple[int, int, int, int]


def drop_contained(lines: list[TextLine]) -> list[TextLine]:
    """One line per place: where the other polarity also found something (the gaps between
    close lines, the holes of letters), the line with more glyphs is the text; between lines of
    as many glyphs (blur's word blobs), the one in the polarity of most of the page's text."""
    weight = {"light": 0, "dark": 0}
    for line in lines:
        weight[line.polarity] = weight.get(line.polarity, 0) + line.glyphs
    main = max(weight, key=lambda polarity: weight[polarity])
    kept: list[TextLine] = []
    order = sorted(
        lines, key=lambda item: (-item.glyphs, item.polarity != main, -item.glyph_height)
    )
    for line in order:
        # Only the two polarities compete: lines of one mask do not share glyphs, so their
        # overlaps add up (the gap between two close lines straddles both of them).
        covered = sum(
            _overlap(line.box, other.box) for other in kept if other.polarity != line.polarity
        )
        if covered > 0.5:
            continue
        if line.glyphs == 1 and any(_overlap(other.box, line.box) > 0.8 for other in kept):
            continue  # one blob around a line of text: a button's fill or a box, not text
        kept.append(line)
    return sorted(kept, key=lambda item: (item.y, item.x))


def drop_gaps(lines: list[TextLine]) -> list[TextLine]:
    """The band between two close lines reads as one or two blobs of the other polarity (dark
    between light lines): a blob line touching wider lines of the other polarity above and
    below, across its width, is that gap, not text."""

    def touches(line: TextLine, other: TextLine, above: bool) -> bool:
        # The band is narrower than the lines that make it (a word on a button between the
        # button's edges is as wide as they are).
        across = (
            min(line.right, other.right) - max(line.x, other.x) >= 0.5 * line.box[2]
            and other.box[2] >= 1.15 * line.box[2]
        )
        slack = 0.5 * line.box[3]
        if above:
            return across and other.centre_y < line.centre_y and other.bottom >= line.y - slack
        return across and other.centre_y > line.centre_y and other.y <= line.bottom + slack

    by_polarity = {
        polarity: [line for line in lines if line.polarity != polarity]
        for polarity in {line.polarity for line in lines}
    }
    kept = []
    for line in lines:
        others = by_polarity[line.polarity] if line.glyphs <= 2 else []
        if (
            others
            and any(touches(line, other, True) for other in others)
            and any(touches(line, other, False) for other in others)
        ):
            continue
        kept.append(line)
    return kept


def merge_pieces(lines: list[TextLine]) -> list[TextLine]:
    """Pieces of one line that grouping split (at a dot too small to be a glyph, at a JPEG
    blotch) are joined: same row, same size, a gap no wider than a word space."""
    merged: list[TextLine] = []
    for line in sorted(lines, key=lambda item: item.x):
        for index, other in enumerate(merged):
            size = max(other.glyph_height, line.glyph_height)
            same_row = _row_share(other.box, line.box) >= 0.6
            same_size = 0.6 <= line.glyph_height / max(1e-6, other.glyph_height) <= 1.6
            gap = line.x - other.right
            if (
                other.polarity == line.polarity
                and same_row
                and same_size
                and gap <= 0.6 * size  # overlapping pieces of one row are one line too
            ):
                x0, y0 = min(other.x, line.x), min(other.y, line.y)
                x1, y1 = max(other.right, line.right), max(other.bottom, line.bottom)
                merged[index] = replace(
                    other,
                    box=(x0, y0, x1 - x0, y1 - y0),
                    glyph_height=max(other.glyph_height, line.glyph_height),
                    glyphs=other.glyphs + line.glyphs,
                    glyph_aspect=0.6,
                )
                break
        else:
            merged.append(line)
    return sorted(merged, key=lambda item: (item.y, item.x))


def _row_share(a: Box, b: Box) -> float:
    top, bottom = max(a[1], b[1]), min(a[1] + a[3], b[1] + b[3])
    return max(0, bottom - top) / max(1, min(a[3], b[3]))


def _overlap(a: Box, b: Box) -> float:
    """Intersection over the area of ``a``."""
    left, top = max(a[0], b[0]), max(a[1], b[1])
    right, bottom = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    if right <= left or bottom <= top:
        return 0.0
    return (right - left) * (bottom - top) / max(1, a[2] * a[3])
