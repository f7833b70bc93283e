"""One frame under analysis: its picture area, its text lines and what was read in them.

Classification and field extraction share a ``Page``, so a line is read at most once per frame
and ``observe`` after ``classify`` reuses every read. Lines are read lazily, in the order the
decision needs them (title candidates first).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from harness.vision.headings import title_candidates
from harness.vision.ocr import LARGE_LINE_PX, LineReader, ReadLine
from harness.vision.second_opinion import Plausible, doubtful, preferred
from harness.vision.text_lines import Box, TextLine, joined_box

_CONTENT_MARGIN = 0.05
_LOOK_UNSURE = 0.5
_OWN_ROOM = 0.8
"""Share of its height a line read as nothing must have free of the lines above and below."""
_ROW_GAP = 2.5
WORD_GAP = 1.5
"""Pieces of one heading are at most this many glyph heights apart."""


@dataclass
class Page:
    image: np.ndarray
    area: Box
    """The picture inside black bars or a bezel (frame pixels)."""
    lines: list[TextLine]
    reader: LineReader
    small: np.ndarray | None = None
    """The frame reduced by ``scale`` (for colours and shapes, which need no detail)."""
    scale: float = 1.0
    reads: dict[int, ReadLine] = field(default_factory=dict)
    glances: dict[int, ReadLine] = field(default_factory=dict)
    """Lines of the page read at a glance (classification), by index."""
    extras: dict[str, object] = field(default_factory=dict)
    """Per-frame results other steps share (QR code, button boxes)."""

    def read(self, line: TextLine) -> ReadLine:
        key = self._key(line)
        if isinstance(key, str):  # a line made of pieces, not one of the page's
            return self._extra_read(
                key, lambda: self.reader.read(self.image, line, self._free_rows(line))
            )
        if key not in self.reads:
            self.reads[key] = self.reader.read(self.image, line, self._free_rows(line))
        return self.reads[key]

    def glance(self, line: TextLine) -> ReadLine:
        """``line`` read smaller, as classification reads (``LineReader.glance``); a full read
        made already is used instead (it is the better one)."""
        key = self._key(line)
        full = self.extras.get(key) if isinstance(key, str) else self.reads.get(key)
        if isinstance(full, ReadLine):
            return full

        def read() -> ReadLine:
            return self.reader.glance(self.image, line, self._free_rows(line))

        if isinstance(key, str):
            return self._extra_read(f"glance:{key}", read)
        if key not in self.glances:
            self.glances[key] = read()
        return self.glances[key]

    def glanced(self, line: TextLine) -> ReadLine | None:
        """The glance classification made of one of the page's lines, if it made one."""
        key = self._key(line)
        return self.glances.get(key) if isinstance(key, int) else None

    def _key(self, line: TextLine) -> int | str:
        """The page's index of ``line``, or for a line made here (a row of pieces) its box: an
        ``id()`` would be reused once the line is freed, and hand out another line's read."""
        return self.lines.index(line) if line in self.lines else f"line:{line.box}:{line.polarity}"

    def read_closely(self, line: TextLine, plausible: Plausible | None = None) -> ReadLine:
        """``read``, and when that is doubtful (unsure, or not ``plausible`` for its field), read
        again larger, then by the second-opinion engine; the better read wins. For the values a
        report shows (not for classification, which reads many lines)."""
        first = self.read(line)
        if not doubtful(first.text, first.confidence, plausible):
            return first
        name = self._key(line)
        larger = (
            first  # the reader read a line of words it found empty larger already
            if first.line_px == LARGE_LINE_PX
            else self._extra_read(
                f"large:{name}",
                lambda: self.reader.read(
                    self.image, line, self._free_rows(line), line_px=LARGE_LINE_PX
                ),
            )
        )
        best = larger if larger.confidence > first.confidence else first
        if not doubtful(best.text, best.confidence, plausible) or not self.reader.has_second:
            return best
        second = self._extra_read(
            f"second:{name}",
            lambda: self.reader.read_second(self.image, line, self._free_rows(line)),
        )
        text, confidence = preferred(
            (best.text, best.confidence), (second.text, second.confidence), plausible
        )
        return best if text == best.text else ReadLine(line, text, confidence)

    def worth_second_look(self, read: ReadLine) -> bool:
        """Whether a line read where it stands (an ESP status, a code) deserves ``read_closely``:
        an unsure read (below ``_LOOK_UNSURE``: most unsure reads on these screens are still
        right), a malformed code, or nothing read in a line of words that has room of its own.
        Squeezed between the lines above and below it, a line is the other polarity's ghost of
        their strokes, where a second engine would read fragments of them."""
        line = read.line
        if read.text:
            return read.confidence < _LOOK_UNSURE or doubtful(read.text, 1.0)
        if line.glyphs < 1 or line.box[2] < 2 * line.box[3]:
            return False
        covered = np.zeros(line.box[3], bool)
        for other in self.lines:
            if other is line or other.right <= line.x or other.x >= line.right:
                continue
            covered[max(0, other.y - line.y) : max(0, other.bottom - line.y)] = True
        return float(covered.mean()) <= 1.0 - _OWN_ROOM

    def _extra_read(self, key: str, read: Callable[[], ReadLine]) -> ReadLine:
        if key not in self.extras:
            self.extras[key] = read()
        found = self.extras[key]
        assert isinstance(found, ReadLine)
        return found

    def _free_rows(self, line: TextLine) -> tuple[int, int]:
        """How far ``line``'s crop may reach up and down before it meets the lines above and
        below it (those across from it, of text size)."""
        top, bottom = 0, self.image.shape[0]
        for other in self.lines:
            if other is line or other.right <= line.x or other.x >= line.right:
                continue
            if other.glyph_height < 0.3 * line.glyph_height:
                continue
            # A line that overlaps this one (a subtitle tucked under a title's descenders)
            # bounds it too, as long as it lies beyond the line's middle.
            if other.bottom <= line.centre_y:
                top = max(top, other.bottom)
            elif other.y >= line.centre_y:
                bottom = min(bottom, other.y)
        return top, bottom

    def read_all(self, lines: Iterable[TextLine] | None = None) -> list[ReadLine]:
        return [self.read(line) for line in (self.lines if lines is None else lines)]

    def already_read(self) -> list[ReadLine]:
        """Every page line read so far (fully, else at a glance), in the page's order."""
        found = {**self.glances, **self.reads}
        return [found[key] for key in sorted(found)]

    @property
    def content(self) -> Box:
        """Where the text is, with a margin, inside the picture: colours are measured here, so
        a viewer's frame or a white strip beside the screenshot does not count."""
        lines = [line for line in self.lines if line.glyphs >= 2]
        if len(lines) < 2:
            return self.area
        ax, ay, aw, ah = self.area
        x0 = min(line.x for line in lines)
        y0 = min(line.y for line in lines)
        x1 = max(line.right for line in lines)
        y1 = max(line.bottom for line in lines)
        mx, my = round(_CONTENT_MARGIN * aw), round(_CONTENT_MARGIN * ah)
        x0, y0 = max(ax, x0 - mx), max(ay, y0 - my)
        x1, y1 = min(ax + aw, x1 + mx), min(ay + ah, y1 + my)
        return (x0, y0, max(1, x1 - x0), max(1, y1 - y0))

    def small_box(self, box: Box) -> Box:
        """``box`` (frame pixels) in the reduced frame's pixels."""
        return tuple(round(value * self.scale) for value in box)  # type: ignore[return-value]

    def title_candidates(self) -> list[TextLine]:
        """Lines that could be the title, best first (``headings.title_candidates``)."""
        return title_candidates(self.lines)

    def continuation(self, line: TextLine) -> TextLine | None:
        """The next line of a wrapped heading: the same size, just below, in the same column."""
        size = line.glyph_height
        for other in self.lines:
            if other is line or other.y <= line.y:
                continue
            if not 0.7 <= other.glyph_height / size <= 1.45:
                continue
            if other.y - line.bottom > 1.0 * line.box[3]:
                continue
            aligned_left = abs(other.x - line.x) <= 1.5 * size
            centred = abs((other.x + other.right) - (line.x + line.right)) <= 3 * size
            if aligned_left or centred:
                return other
        return None

    def preceding(self, line: TextLine) -> TextLine | None:
        """The line ``line`` continues, when it is the second line of a wrapped heading: the
        ``continuation`` of the line just above it."""
        above = [
            other
            for other in self.lines
            if other is not line and other.bottom <= line.centre_y and other.glyphs >= 2
        ]
        for other in sorted(above, key=lambda item: -item.bottom)[:3]:
            if self.continuation(other) is line:
                return other
        return None

    def row_pieces(self, line: TextLine, gap: float = WORD_GAP) -> list[TextLine]:
        """``line`` and the lines that continue it to the right on its row, at its size, a word
        space or two away (detection splits a heading after a comma or a small glyph)."""
        pieces = [line]
        while True:
            last = pieces[-1]
            size = last.glyph_height
            nxt = min(
                (
                    other
                    for other in self.lines
                    if other.x > last.x
                    and other not in pieces
                    and 0 <= other.x - last.right <= gap * size
                    and same_row(last, other)
                ),
                key=lambda other: other.x,
                default=None,
            )
            if nxt is None:
                return pieces
            pieces.append(nxt)

    def whole_row(self, line: TextLine, gap: float = _ROW_GAP) -> list[TextLine]:
        """The pieces of ``line``'s row, left and right of it, up to ``gap`` glyph heights apart
        (by default ``_ROW_GAP``: words that lost glyphs to detection leave wide gaps)."""
        first = line
        while True:
            size = first.glyph_height
            before = max(
                (
                    other
                    for other in self.lines
                    if other.x < first.x
                    and 0 <= first.x - other.right <= gap * size
                    and same_row(first, other)
                ),
                key=lambda other: other.x,
                default=None,
            )
            if before is None:
                return self.row_pieces(first, gap)
            first = before

    def read_row(self, pieces: list[TextLine], glance: bool = False) -> ReadLine:
        """The pieces of one row read as one line (detection split it: a blurred or highlighted
        word lost glyphs), so that the engine sees whole words; at a ``glance`` or fully."""
        line = pieces[0] if len(pieces) == 1 else self.row_line(pieces)
        return self.glance(line) if glance else self.read(line)

    @staticmethod
    def row_line(pieces: list[TextLine]) -> TextLine:
        """One line over the pieces of a row."""
        return TextLine(
            joined_box(piece.box for piece in pieces),
            max(piece.glyph_height for piece in pieces),
            sum(piece.glyphs for piece in pieces),
            pieces[0].polarity,
        )

    def below(self, line: TextLine) -> list[TextLine]:
        """Every line under ``line`` (its top lower than the line's middle), top to bottom."""
        return [other for other in self.lines if other.y >= line.centre_y and other is not line]


def same_row(line: TextLine, other: TextLine) -> bool:
    """``other`` is of ``line``'s size and on its row (a piece of the same line of text)."""
    return (
        0.75 <= other.glyph_height / line.glyph_height <= 1.33
        and abs(other.centre_y - line.centre_y) <= 0.3 * line.box[3]
    )
