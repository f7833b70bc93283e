"""Does a frame show the structure a screen definition needs (``needs`` in the files)?

A title alone never makes a screen the flow acts on: the options dialog needs its provisioning
tile, the configuration screen its labels or its QR code, the result screens their labels. Lines
are read in reading order after the title and reading stops as soon as the answer is known, so
the cost is a few lines per frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from harness.vision.button_boxes import page_button_boxes
from harness.vision.definition_model import FIELD_LABELS, Needs
from harness.vision.fuzzy import best_substring_match, similarity
from harness.vision.labelled_values import find_label
from harness.vision.observation import Evidence
from harness.vision.ocr import ReadLine
from harness.vision.page import Page
from harness.vision.qr_area import on_qr, page_qr_area, page_qr_result
from harness.vision.text_lines import TextLine, row_overlap

MAX_STRUCTURE_READS = 14
"""Lines read after the title to find tiles or labels: more than any flow screen needs."""
_TEXT_SIMILARITY = 0.8
_BUTTON_SIMILARITY = 0.8
_WORD_ASPECT = 2.5


def check_needs(
    page: Page,
    needs: Needs,
    title_lines: Sequence[TextLine],
    labels: Mapping[str, Sequence[str]],
) -> tuple[bool, list[Evidence]]:
    """(all needs met, evidence of what was found where)."""
    evidence: list[Evidence] = []
    if needs.lines and len(page.lines) < needs.lines:
        evidence.append(Evidence("needs:lines", 0.0, f"{len(page.lines)} text lines"))
        return False, evidence
    after = _reading_order(page, title_lines) if needs.texts or needs.labels else []
    if needs.texts:
        hit = _find_text(page, after, needs.texts)
        if hit is None:
            evidence.append(Evidence("needs:texts", 0.0, f"none of {list(needs.texts)} found"))
            return False, evidence
        evidence.append(hit)
    square = page_qr_area(page) if needs.labels and needs.or_qr else None
    if square is not None:
        # A QR code's three finder patterns (found while detecting the lines) are structure of
        # their own: the labels need not be read to know the screen.
        evidence.append(Evidence("needs:qr", 1.0, "QR finder patterns stand for labels", square))
    elif needs.labels:
        found = _find_labels(page, after, labels, needs.labels)
        evidence.extend(found)
        if len(found) < needs.labels:
            qr = page_qr(page) if needs.or_qr else None
            if qr is None:
                evidence.append(
                    Evidence("needs:labels", 0.0, f"{len(found)} of {needs.labels} labels")
                )
                return False, evidence
            evidence.append(Evidence("needs:qr", 1.0, "a QR code stands for the labels", qr))
    if needs.control:
        control = _find_control(page, labels.get("buttons", ()))
        if control is None:
            evidence.append(Evidence("needs:control", 0.0, "no button or control found"))
            return False, evidence
        evidence.append(control)
    return True, evidence


def _reading_order(page: Page, title_lines: Sequence[TextLine]) -> list[TextLine]:
    """The lines after the title, top to bottom (then the rest): structure follows the title."""
    qr = page_qr_area(page)
    rest = [
        line
        for line in page.lines
        if line not in title_lines and wordlike(line) and not on_qr(line, qr)
    ]
    if not title_lines:
        return rest
    bottom = max(line.bottom for line in title_lines)
    below = [line for line in rest if line.y >= bottom - 2]
    return below + [line for line in rest if line not in below]


def wordlike(line: TextLine) -> bool:
    """Lines of one or two glyphs are icons, dots or QR modules, never a label or a tile, unless
    they are as long as a word (blur joins a bold word's letters into one or two blobs)."""
    return line.glyphs >= 3 or line.box[2] >= _WORD_ASPECT * line.box[3]


def _find_text(page: Page, lines: Sequence[TextLine], texts: Sequence[str]) -> Evidence | None:
    rows: list[list[TextLine]] = []
    for line in lines[:MAX_STRUCTURE_READS]:
        hit = _text_in(page.glance(line), texts)
        if hit is not None:
            return hit
        row = page.whole_row(line)
        if len(row) > 1 and row not in rows:
            rows.append(row)
    # A line detection split (a highlighted tile's words lose glyphs) is read again as one.
    for row in rows:
        hit = _text_in(page.read_row(row, glance=True), texts)
        if hit is not None:
            return hit
    return None


def _text_in(read: ReadLine, texts: Sequence[str]) -> Evidence | None:
    for text in texts:
        score, found = best_substring_match(text, read.text)
        if score >= _TEXT_SIMILARITY:
            return Evidence("needs:text", round(score, 3), f"{text!r} read as {found!r}", read.box)
    return None


def _find_labels(
    page: Page, lines: Sequence[TextLine], labels: Mapping[str, Sequence[str]], wanted: int
) -> list[Evidence]:
    field_labels = {name: labels[name] for name in FIELD_LABELS if name in labels}
    found: dict[str, Evidence] = {}
    values: list[TextLine] = []
    reads = 0
    for line in lines:
        if reads >= MAX_STRUCTURE_READS:
            break
        if line in values:
            continue  # a label's value is no label: not worth an OCR call
        reads += 1
        hit = find_label(page.glance(line), field_labels)
        if hit is None:
            continue
        value = _next_on_row(page, line)
        if value is not None:
            values.append(value)
        if hit.name not in found:
            found[hit.name] = Evidence(
                f"needs:label:{hit.name}",
                round(hit.score, 3),
                f"label read as {hit.read.text!r}",
                line.box,
            )
            if len(found) >= wanted:
                break
    return list(found.values())


def _next_on_row(page: Page, line: TextLine) -> TextLine | None:
    """The nearest line to the right of ``line`` on its row (two columns: a label's value)."""
    return min(
        (
            other
            for other in page.lines
            if other.x >= line.right and row_overlap(line.box, other.box) >= 0.5
        ),
        key=lambda other: other.x,
        default=None,
    )


def page_qr(page: Page) -> tuple[int, int, int, int] | None:
    """Where a QR code was decoded on the page (decoded once per page)."""
    result = page_qr_result(page)
    return result.box if result.raw else None


def _find_control(page: Page, button_labels: Sequence[str]) -> Evidence | None:
    boxes = page_button_boxes(page)
    if boxes:
        return Evidence("needs:control", 1.0, "a button-shaped box with a word in it", boxes[0])
    # No box (a flat or covered button): a short line reading a button's label. Short lines
    # nearest the bottom first, since that is where OOBE puts its buttons.
    short = sorted(
        (line for line in page.lines if line.glyphs <= 12),
        key=lambda line: -line.bottom,
    )
    for line in short[:4]:
        text = page.read(line).text  # a short word: a glance saves little, and misses
        for label in button_labels:
            if similarity(text, label) >= _BUTTON_SIMILARITY:
                return Evidence("needs:control", 0.9, f"button label {label!r}", line.box)
    return None
