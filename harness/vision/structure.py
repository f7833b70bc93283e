"""Does a frame show the structure a screen definition needs (``needs`` in the files)?

A title alone never makes a screen the flow acts on: the options dialog needs its provisioning
tile, the configuration screen its labels or its QR code, the result screens their labels. Lines
are read in reading order after the title and reading stops as soon as the answer is known, so
the cost is a few lines per frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from harness.vision import buttons as button_shapes
from harness.vision.definition_model import FIELD_LABELS, Needs
from harness.vision.fuzzy import best_substring_match, similarity
from harness.vision.labelled_values import find_label
from harness.vision.observation import Evidence
from harness.vision.ocr import ReadLine
from harness.vision.page import Page, same_row
from harness.vision.qr_area import on_qr, page_qr_area, page_qr_result
from harness.vision.text_lines import TextLine, joined_box, row_overlap

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


def page_button_boxes(page: Page) -> list[tuple[int, int, int, int]]:
    """Button-shaped rectangles anywhere in the picture, each holding one text line."""
    if "button_boxes" not in page.extras:
        reduced = (page.small, page.scale) if page.small is not None else None
        boxes = button_shapes.find_button_boxes(page.image, page.area, page.area[3], reduced)
        page.extras["button_boxes"] = [box for box in boxes if _holds_a_label(page, box)]
    result: list[tuple[int, int, int, int]] = page.extras["button_boxes"]  # type: ignore[assignment]
    return result


def _holds_a_label(page: Page, box: tuple[int, int, int, int]) -> bool:
    """A button is a box around one line with room to spare: not a tile (two lines), not the
    outline of a word (as tight as its text)."""
    x, y, w, h = box
    for line in page.lines:
        lx, ly, lw, lh = line.box
        crosses = lx < x + w and x < lx + lw and ly < y + h and y < ly + lh
        beyond = lx < x - 0.3 * lh or lx + lw > x + w + 0.3 * lh
        if crosses and beyond and min(ly + lh, y + h) - max(ly, y) > 0.5 * lh:
            return False  # the box cuts through a text line: a piece of a word, not a button
    # A "line" as large as the box is the button's own shape (a fill or a focus ring).
    inside = [
        line for line in lines_in(page, box) if line.box[3] < 0.77 * h or line.box[2] < 0.8 * w
    ]
    if not inside:
        # White on an accent fill may not be detected as text (as light as the card around the
        # button): the box still counts when it stands out, and is read on its own.
        return _stands_out(page, box, None)
    if not all(same_row(inside[0], other) for other in inside[1:]):
        return False  # two rows of text: a tile or a card, not a button
    # One line, or one row of pieces (detection splits a line at a wide word gap).
    label = joined_box(line.box for line in inside)
    lx, _ly, lw, lh = label
    # A button has padding around its label on every side; a box hugging a word does not.
    padded = lx >= x + 0.2 * lh and lx + lw <= x + w - 0.2 * lh and h >= 1.6 * lh
    return padded and _stands_out(page, box, label)


_BUTTON_CONTRAST = 24.0


def _stands_out(
    page: Page, box: tuple[int, int, int, int], text: tuple[int, int, int, int] | None
) -> bool:
    """A real button is filled in a colour of its own or drawn with a border; the rectangles that
    noise or JPEG blocks make around a word are neither."""
    image = page.image.astype(np.int16)
    x, y, w, h = box
    m = max(3, h // 6)
    inner = image[y + m : y + h - m, x + m : x + w - m]
    ring = np.concatenate(
        [
            image[max(0, y - 2 * m) : max(0, y - m), x : x + w].reshape(-1, 3),
            image[y + h + m : y + h + 2 * m, x : x + w].reshape(-1, 3),
        ]
    )
    if inner.size == 0 or ring.size == 0:
        return False
    keep = np.ones(inner.shape[:2], bool)
    if text is not None:
        tx, ty, tw, th = text
        pad = max(2, th // 4)  # the glyphs' anti-aliased edges and JPEG ringing
        top, left = max(0, ty - y - m - pad), max(0, tx - x - m - pad)
        keep[top : ty - y - m + th + pad, left : tx - x - m + tw + pad] = False
    if keep.mean() < 0.25:
        return False  # hardly any fill to see beside the text
    around = np.median(ring, axis=0)
    fill = np.median(inner[keep].reshape(-1, 3), axis=0)
    if float(np.abs(fill - around).max()) >= _BUTTON_CONTRAST:
        return True
    # Same fill as around it: a border must show near the top and bottom edges.
    for edge in (y, y + h - 1):
        # Rows off the picture are not there to see (and a negative index would wrap around).
        rows = [
            image[row, x + m : x + w - m]
            for row in range(edge - 2, edge + 3)
            if 0 <= row < image.shape[0]
        ]
        contrast = max(
            (float(np.abs(np.median(row, axis=0) - around).max()) for row in rows if row.size),
            default=0.0,
        )
        if contrast < 1.5 * _BUTTON_CONTRAST:
            return False
    return True


def lines_in(page: Page, box: tuple[int, int, int, int]) -> list[TextLine]:
    """The text lines whose centre lies in ``box``."""
    x, y, w, h = box
    inside = []
    for line in page.lines:
        cx, cy = line.x + line.box[2] / 2, line.centre_y
        if x <= cx <= x + w and y <= cy <= y + h:
            inside.append(line)
    return inside


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
