"""Label/value pairs found by where the lines are, not by a fixed layout.

A label (``Organization:``) finds its value wherever the pair sits: after it on the same line
(``Organization: Contoso``), on the same row to its right (two columns, values right-aligned), or
under it (the Windows 11 card). A value that wraps keeps its next line when that line is not on a
label's row: the second line of a long profile name is not the assigned user.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from harness.vision.fuzzy import match_prefix, similarity
from harness.vision.ocr import ReadLine
from harness.vision.page import Page
from harness.vision.second_opinion import Plausible
from harness.vision.text_lines import joined_box, row_overlap

LABEL_SIMILARITY = 0.8
_DEBRIS_CONFIDENCE = 0.5
_LABEL_GAP = 1.0
"""Pieces of one label are at most this many line heights apart (a word space, a lost glyph)."""
_PIECE_GAP = 2.0
"""Pieces of one value are at most this many line heights apart (a word space, widened where
blur or a comma hides a glyph); a column gap is far wider."""
_PIECE_HEIGHT = (0.5, 2.0)
"""A value's next piece is this share of the previous one's height (not a sliver of ringing)."""


@dataclass(frozen=True)
class LabelHit:
    name: str
    """The field: ``organization``, ``profile``, ``user``, ``elapsed``."""
    read: ReadLine
    rest: str
    """What follows the label on its own line (empty when the value is elsewhere)."""
    score: float


@dataclass(frozen=True)
class Value:
    text: str
    lines: tuple[ReadLine, ...]
    inline: bool = False
    """The value follows its label on the label's own line (``lines`` is the label's)."""


def find_label(read: ReadLine, labels: Mapping[str, Sequence[str]]) -> LabelHit | None:
    """The field label ``read`` starts with, if any (the best one)."""
    best: LabelHit | None = None
    for name, texts in labels.items():
        for text in texts:
            score, rest = match_prefix(read.text, text)
            if rest and text.endswith(":") and not any(mark in read.text for mark in ":;"):
                # "User Driven - Hybrid Join" is a value that starts like "User:", not the
                # label with its value: a label followed by its value has its colon.
                continue
            if score >= LABEL_SIMILARITY and (best is None or score > best.score):
                best = LabelHit(name, read, rest, score)
    return best


def find_labels(
    reads: Sequence[ReadLine], labels: Mapping[str, Sequence[str]]
) -> dict[str, LabelHit]:
    """The line of each field label, by field name."""
    hits: dict[str, LabelHit] = {}
    ordered = sorted(reads, key=lambda item: (item.box[1], item.box[0]))
    for read in ordered:
        hit = find_label(read, labels)
        # The best match of each label, the first one at equal scores.
        if hit is not None and (hit.name not in hits or hit.score > hits[hit.name].score):
            hits[hit.name] = hit
    # A label detected in two pieces ("Assigned u" "user:"): the pair, read as one line, is
    # the label, even where its second piece alone reads as a label ("User:").
    for read in ordered:
        if any(hit.read is read for hit in hits.values()):
            continue
        nxt = _beside(read, [other for other in ordered if other is not read])
        if not nxt or nxt[0].box[0] - (read.box[0] + read.box[2]) > _LABEL_GAP * read.box[3]:
            continue
        pair = _joined(read, nxt[0])
        for name, texts in labels.items():
            score = max((similarity(pair.text, text) for text in texts), default=0.0)
            known = hits.get(name)
            if score >= LABEL_SIMILARITY and (known is None or known.read is nxt[0]):
                hits[name] = LabelHit(name, pair, "", score)
    return hits


def _inside(inner: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> bool:
    return (
        inner[0] >= outer[0]
        and inner[1] >= outer[1]
        and inner[0] + inner[2] <= outer[0] + outer[2]
        and inner[1] + inner[3] <= outer[1] + outer[3]
    )


def _joined(first: ReadLine, second: ReadLine) -> ReadLine:
    line = replace(first.line, box=joined_box((first.box, second.box)))
    confidence = min(first.confidence, second.confidence)
    return ReadLine(line, f"{first.text} {second.text}", confidence)


def read_values(reads: Sequence[ReadLine], labels: Mapping[str, Sequence[str]]) -> dict[str, Value]:
    """Every labelled value on the screen, by field name."""
    hits = find_labels(reads, labels)
    label_reads = [hit.read for hit in hits.values()]
    others = [
        read
        for read in reads
        if read not in label_reads
        and _words(read)
        and not any(_inside(read.box, label.box) for label in label_reads)  # a label's piece
    ]
    values: dict[str, Value] = {}
    for name, hit in hits.items():
        beside = _beside(hit.read, others)
        if beside and _label_tail(hit.read, beside[0]):
            # The label was detected in two pieces ("Elapsed" "time:"): its value follows the
            # second one.
            beside = _beside(beside[0], others)
        if hit.rest:
            # The value after the label on its line, with the pieces detection split off it.
            text = " ".join([hit.rest, *(piece.text for piece in beside)])
            values[name] = Value(text, (hit.read, *beside), inline=True)
            continue
        if beside:
            lines = [*beside, *_continuation(beside[0], others, label_reads)]
            values[name] = Value(" ".join(line.text for line in lines), tuple(lines))
            continue
        under = _under(hit.read, others, label_reads)
        if under:
            values[name] = Value(" ".join(piece.text for piece in under), tuple(under))
    return values


def _words(read: ReadLine) -> bool:
    """A read that can be (part of) a value: some letters or digits the engine saw with some
    confidence, not the one letter it makes of an arrow or an icon."""
    alphanumerics = sum(char.isalnum() for char in read.text)
    return alphanumerics >= 2 or (alphanumerics == 1 and read.confidence >= _DEBRIS_CONFIDENCE)


def _label_tail(label: ReadLine, piece: ReadLine) -> bool:
    """A piece right after a label that lacks its colon, ending in one, is the label's end."""
    return not label.text.rstrip().endswith(":") and piece.text.rstrip().endswith(":")


def _beside(label: ReadLine, others: Sequence[ReadLine]) -> list[ReadLine]:
    """The lines to the right of ``label`` on the same row, as long as they follow each other
    like words (a value detected in pieces stays one value)."""
    lx, _ly, lw, lh = label.box
    row = sorted(
        (
            other
            for other in others
            if other.box[0] >= lx + lw - 0.5 * lh
            and row_overlap(label.box, other.box) >= 0.5
            and any(char.isalnum() for char in other.text)  # not the label's colon
        ),
        key=lambda other: other.box[0],
    )
    # Of reads stacked over one another (an annotation drawn around a value, JPEG ringing under
    # it, detected as lines of their own), the surest is the value.
    row = [
        other
        for other in row
        if not any(
            rival.confidence > other.confidence and _column_overlap(rival.box, other.box) > 0.5
            for rival in row
        )
    ]
    pieces: list[ReadLine] = []
    for other in row:
        if pieces:
            previous = pieces[-1].box
            if not _follows(previous, other.box):
                continue  # debris under or over the value (JPEG ringing, an annotation's edge)
            if other.box[0] - (previous[0] + previous[2]) > _PIECE_GAP * previous[3]:
                break
        pieces.append(other)
    return pieces


def _follows(previous: tuple[int, int, int, int], other: tuple[int, int, int, int]) -> bool:
    """``other`` continues ``previous`` like a word: about its height, past its middle."""
    return (
        _PIECE_HEIGHT[0] <= other[3] / max(1, previous[3]) <= _PIECE_HEIGHT[1]
        and other[0] >= previous[0] + previous[2] / 2
    )


def _under(
    label: ReadLine, others: Sequence[ReadLine], label_reads: Sequence[ReadLine]
) -> list[ReadLine]:
    """The line right under ``label`` in its column (with the pieces that follow it on that
    row), unless another label comes first."""
    lx, ly, lw, lh = label.box
    below = [
        other
        for other in [*others, *label_reads]
        if other is not label
        and other.box[1] >= ly + 0.6 * lh
        and other.box[1] - (ly + lh) <= 1.5 * lh
    ]
    # The value starts in the label's column: an arrow or a note drawn beside the pair, a bit
    # higher than the value, is not where the value begins.
    column = [other for other in below if lx - 2 * lh <= other.box[0] <= lx + lw]
    if not column:
        return []
    top = min(other.box[1] for other in column)
    first = min(
        (other for other in column if other.box[1] <= top + 0.5 * lh),
        key=lambda other: other.box[0],
    )
    if first in label_reads:
        return []
    row = [other for other in below if abs(other.box[1] - top) <= 0.5 * lh]
    pieces = [first]
    for other in sorted(row, key=lambda item: item.box[0]):
        previous = pieces[-1].box
        if other is first or other.box[0] < previous[0]:
            continue
        gap = other.box[0] - (previous[0] + previous[2])
        if other in label_reads or gap > _PIECE_GAP * previous[3]:
            break
        pieces.append(other)
    return pieces


def _continuation(
    value: ReadLine, others: Sequence[ReadLine], label_reads: Sequence[ReadLine]
) -> list[ReadLine]:
    """Lines that continue a wrapped value: under it, in its column, on no label's row."""
    found: list[ReadLine] = []
    current = value
    while True:
        _cx, cy, _cw, ch = current.box
        nxt = next(
            (
                other
                for other in sorted(others, key=lambda item: item.box[1])
                if other is not value
                and other not in found
                and cy + 0.6 * ch <= other.box[1] <= cy + ch + 0.8 * ch
                and _column_overlap(current.box, other.box) > 0.3
                and 0.7 <= other.box[3] / max(1, ch) <= 1.4
            ),
            None,
        )
        if nxt is None or any(row_overlap(nxt.box, label.box) >= 0.3 for label in label_reads):
            return found
        found.append(nxt)
        current = nxt


def whole_text(page: Page, lines: Sequence[ReadLine], plausible: Plausible | None = None) -> str:
    """The text of a value: a row detected in pieces (a blurred word, a wide word space) is read
    again as one line, which gives the engine the whole words; rows are joined by spaces."""
    rows: list[list[ReadLine]] = []
    for read in sorted(lines, key=lambda item: (item.box[1], item.box[0])):
        if rows and row_overlap(rows[-1][0].box, read.box) >= 0.5:
            rows[-1].append(read)
        else:
            rows.append([read])
    texts = []
    for row in rows:
        if len(row) == 1:
            texts.append(page.read_closely(row[0].line, plausible).text or row[0].text)
            continue
        whole = page.row_line([read.line for read in row])
        texts.append(
            page.read_closely(whole, plausible).text or " ".join(read.text for read in row)
        )
    return " ".join(texts)


def _column_overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    left, right = max(a[0], b[0]), min(a[0] + a[2], b[0] + b[2])
    return max(0, right - left) / max(1, min(a[2], b[2]))


def snap(value: str | None, known: Sequence[str], threshold: float = 0.8) -> str | None:
    """``value`` replaced by the known text it resembles (OCR slips), else unchanged."""
    if value is None:
        return None
    best = max(known, key=lambda text: similarity(value, text), default=None)
    if best is not None and similarity(value, best) >= threshold:
        return best
    return value


def clean_value(value: str | None) -> str | None:
    """Trim OCR debris at the ends (stray quotes, bars, dots from icons or rules)."""
    if value is None:
        return None
    trimmed = value.strip(" |_-~'\"`.,;:")
    return trimmed or None
