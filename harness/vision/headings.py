"""Which text lines could be a screen's title: lines of letters (or of blurred word blobs), the
largest text first, and among lines of about that size the one nearest the top."""

from __future__ import annotations

from collections.abc import Sequence

from harness.vision.text_lines import TextLine

_MIN_TITLE_GLYPHS = 5
_LETTER_ASPECT = (0.25, 1.5)
"""Median glyph width / height of a line of letters."""
_BLOB_LINE = 6.0
_BLOB_ASPECT = 8.0
"""Blurred words: a line this many times as long as high, of blobs at most this wide."""
_BLOB_LETTER = 0.75
_TITLE_PEERS = 0.8
"""Lines at least this share of the largest text size count as equally large: among those the
one nearest the top comes first."""


def title_candidates(lines: Sequence[TextLine]) -> list[TextLine]:
    """Lines that could be the title, best first: the largest text, and among lines of about
    that size the one nearest the top."""
    words = [line for line in lines if _could_be_heading(line)]
    ranked = sorted(words, key=lambda line: -_letter_height(line))
    if not ranked:
        return []
    largest = _letter_height(ranked[0])
    peers = sorted(
        (line for line in ranked if _letter_height(line) >= _TITLE_PEERS * largest),
        key=lambda line: line.y,
    )
    return peers + [line for line in ranked if line not in peers]


def _letter_height(line: TextLine) -> float:
    """The text size of ``line`` as a letter's height. Blur joins a bold word's letters into one
    blob, whose height runs from the ascenders to the descenders, where the median of separate
    letters is nearer the x-height: a blob counts for ``_BLOB_LETTER`` of its height."""
    if line.glyph_aspect > _LETTER_ASPECT[1]:
        return _BLOB_LETTER * line.glyph_height
    return line.glyph_height


def _could_be_heading(line: TextLine) -> bool:
    """A line of letters (not the dots of a focus rectangle, the stripes of an icon): enough
    glyphs of a letter's shape, or blur's word blobs on a line as long as a few words."""
    letters = (
        line.glyphs >= _MIN_TITLE_GLYPHS
        and line.box[2] >= 2 * line.box[3]
        and _LETTER_ASPECT[0] <= line.glyph_aspect <= _LETTER_ASPECT[1]
    )
    blobs = line.glyphs >= 2 and line.box[2] >= _BLOB_LINE * line.box[3]
    return letters or (blobs and line.glyph_aspect <= _BLOB_ASPECT)
