"""Which button-shaped boxes of a page are buttons: a box around one line of text with room to
spare, filled in a colour of its own or drawn with a border (``buttons`` finds the shapes)."""

from __future__ import annotations

import numpy as np

from harness.vision import buttons as button_shapes
from harness.vision.page import Page, same_row
from harness.vision.text_lines import TextLine, joined_box


def page_button_boxes(page: Page) -> list[tuple[int, int, int, int]]:
    """Button-shaped rectangles anywhere in the picture, each holding one text line."""
    if "button_boxes" not in page.extras:
        reduced = (page.small, page.scale) if page.small is not None else None
        boxes = button_shapes.find_button_boxes(page.image, page.area, page.area[3], reduced)
        labelled = [box for box in boxes if _holds_a_label(page, box)]
        if not labelled:
            # A red box drawn around a button crosses its outline: look again without marks.
            boxes = button_shapes.find_button_boxes(
                page.image, page.area, page.area[3], reduced, without_marks=True
            )
            labelled = [box for box in boxes if _holds_a_label(page, box)]
        page.extras["button_boxes"] = labelled
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
    inside = label_lines(page, box)
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


def button_inset(height: int) -> int:
    """How far inside a button's box its fill is: past the border and the focus ring."""
    return max(3, height // 6)


def label_lines(page: Page, box: tuple[int, int, int, int]) -> list[TextLine]:
    """The text lines inside ``box`` that may be its label. A "line" as large as the box is the
    button's own shape (a fill or a focus ring). Nor is a "line" whose pixels are nowhere darker
    (a dark line) or lighter (a light one) than the box's fill: on a dark fill, the fill between
    and above light letters is what detection sees as dark text."""
    x, y, w, h = box
    m = button_inset(h)
    grey = page.image[..., 1]  # green: the channel closest to grey, without a conversion
    inner = grey[y + m : y + h - m, x + m : x + w - m]
    if inner.size == 0:
        return []
    fill = float(np.median(inner))
    labels = []
    for line in lines_in(page, box):
        if line.box[3] >= 0.77 * h and line.box[2] >= 0.8 * w:
            continue
        lx, ly, lw, lh = line.box
        pixels = grey[ly : ly + lh, lx : lx + lw]
        if pixels.size == 0:
            continue
        if line.polarity == "dark":
            stroke = fill - float(np.percentile(pixels, 5))
        else:
            stroke = float(np.percentile(pixels, 95)) - fill
        if stroke >= _BUTTON_CONTRAST:
            labels.append(line)
    return labels


_BUTTON_CONTRAST = 24.0


def _stands_out(
    page: Page, box: tuple[int, int, int, int], text: tuple[int, int, int, int] | None
) -> bool:
    """A real button is filled in a colour of its own or drawn with a border; the rectangles that
    noise or JPEG blocks make around a word are neither."""
    image = page.image.astype(np.int16)
    x, y, w, h = box
    m = button_inset(h)
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
    if keep.mean() < 0.1:
        # Hardly any fill to see beside the text. (A label may take three quarters of a tight
        # box's inner part: the median of what is left still shows the fill.)
        return False
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
