"""Find the text lines of a frame, wherever they are: no region is assumed.

The picture is reduced to at most ``WORK_LINES`` lines (Windows scales its layout with the screen
height, so text of every resolution lands at similar sizes), then text strokes are found by
morphology in both polarities (white top-hat for light text on the OOBE blue, black top-hat for
dark text on the Windows 11 card): strokes are thinner than the kernel, backgrounds, tiles and
buttons are wider. Connected strokes are grouped into lines by height and spacing, so a line is a
run of glyphs of about one size; a label and a value far to its right stay two lines, which is
what the label/value reader wants. Cost: a few milliseconds at 1080p.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

import cv2
import numpy as np

from harness.vision.line_cleanup import drop_contained, drop_gaps, merge_pieces
from harness.vision.text_ground import stroke_grounds
from harness.vision.text_rows import glyph_rows

Box = tuple[int, int, int, int]

WORK_LINES = 540
"""Detection works on the picture scaled down to this many lines (never up)."""
_KERNEL = 13
"""Top-hat kernel side at the working scale: wider than any stroke, narrower than a button."""
_MIN_CONTRAST = 34
_MIN_GLYPH_PX = 4
_MAX_GLYPH_SHARE = 0.12
"""A glyph taller than this share of the picture is a picture element (illustration, QR)."""
_MAX_BLOB_ASPECT = 24
"""A glyph at most this many times as wide as high: blur joins a long e-mail address into one
blob of 15-20; rules and bars are wider still, or solid (dropped by their fill)."""
_GAP_FACTOR = 0.9
"""Glyphs join a line when the gap is under this many glyph heights (word spaces are ~0.3)."""
_REACH = 0.6
"""Descenders and ascenders reach this many median glyph heights beyond the median glyph."""


@dataclass(frozen=True)
class TextLine:
    """A detected line of text, in frame pixels."""

    box: Box
    glyph_height: float
    """Median glyph height in frame pixels: the text size, used to find titles."""
    glyphs: int
    polarity: str
    """``light`` (light text on a darker ground) or ``dark``."""
    glyph_aspect: float = 0.6
    """Median width / height of the glyphs: letters are 0.3-1; the dots of a focus rectangle or
    the stripes of an icon are not."""

    @property
    def x(self) -> int:
        return self.box[0]

    @property
    def y(self) -> int:
        return self.box[1]

    @property
    def right(self) -> int:
        return self.box[0] + self.box[2]

    @property
    def bottom(self) -> int:
        return self.box[1] + self.box[3]

    @property
    def centre_y(self) -> float:
        return self.box[1] + self.box[3] / 2


def joined_box(boxes: Iterable[Box]) -> Box:
    """The box around ``boxes`` (the pieces of one line, a label and its tail)."""
    items = list(boxes)
    x0, y0 = min(box[0] for box in items), min(box[1] for box in items)
    x1 = max(box[0] + box[2] for box in items)
    y1 = max(box[1] + box[3] for box in items)
    return (x0, y0, x1 - x0, y1 - y0)


def row_overlap(a: Box, b: Box) -> float:
    """How much two boxes share their rows, as a share of the lower one's height."""
    top, bottom = max(a[1], b[1]), min(a[1] + a[3], b[1] + b[3])
    return max(0, bottom - top) / max(1, min(a[3], b[3]))


def detect_lines(image_bgr: np.ndarray, area: Box | None = None) -> list[TextLine]:
    """Text lines inside ``area`` (frame pixels; the whole frame by default), top to bottom."""
    scale = min(1.0, WORK_LINES / max(1, image_bgr.shape[0]))
    small = reduce(image_bgr, scale)
    return detect_lines_reduced(small, scale, area)


def reduce(image_bgr: np.ndarray, scale: float) -> np.ndarray:
    if scale >= 1.0:
        return image_bgr
    height, width = image_bgr.shape[:2]
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(image_bgr, size, interpolation=cv2.INTER_AREA)


def detect_lines_reduced(
    small_bgr: np.ndarray,
    scale: float,
    area: Box | None,
    exclude: Box | None = None,
    small_grey: np.ndarray | None = None,
) -> list[TextLine]:
    """``detect_lines`` on a frame already reduced by ``scale`` (shared with the other steps
    that work on a small copy); ``area``, ``exclude`` and the lines are in full-frame pixels.
    Nothing inside ``exclude`` (a QR code's square) is text: its modules would otherwise form
    rows beside the text and cut the text's rows short. ``small_grey`` is the small copy in
    grey, when another step has made it already."""
    ax, ay, aw, ah = (
        area
        if area is not None
        else (0, 0, round(small_bgr.shape[1] / scale), round(small_bgr.shape[0] / scale))
    )
    x0, y0 = int(ax * scale), int(ay * scale)
    x1, y1 = round((ax + aw) * scale), round((ay + ah) * scale)
    small = small_bgr[y0:y1, x0:x1]
    if small.size == 0:
        return []
    # Detection wants at most WORK_LINES lines of picture: a frame reduced for the whole frame
    # may still be taller than that inside its area only if it was not reduced enough.
    extra = min(1.0, WORK_LINES / max(1, small.shape[0]))
    if extra < 0.95:
        small = reduce(small, extra)
        scale *= extra
        small_grey = None
        x0, y0 = round(x0 * extra), round(y0 * extra)
    ax, ay = round(x0 / scale), round(y0 / scale)
    grey = (
        cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
        if small_grey is None
        else small_grey[y0 : y0 + small.shape[0], x0 : x0 + small.shape[1]]
    )
    backgrounds = stroke_grounds(grey)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (_KERNEL, _KERNEL))
    lines: list[TextLine] = []
    for polarity, operation in (("light", cv2.MORPH_TOPHAT), ("dark", cv2.MORPH_BLACKHAT)):
        strokes = cv2.morphologyEx(grey, operation, kernel)
        # A stroke must also differ from the local background in its own direction: otherwise
        # the gaps between light lines would read as dark text (and the holes of dark letters
        # as light text).
        background = backgrounds[polarity]
        differs = (
            cv2.subtract(grey, background)
            if polarity == "light"
            else cv2.subtract(background, grey)
        )
        # strokes >= _MIN_CONTRAST and differs >= half of it, as 0/1 (OpenCV: a third of
        # numpy's time for the same mask).
        mask = cv2.bitwise_and(
            cv2.threshold(strokes, _MIN_CONTRAST - 1, 1, cv2.THRESH_BINARY)[1],
            cv2.threshold(differs, _MIN_CONTRAST // 2 - 1, 1, cv2.THRESH_BINARY)[1],
        )
        glyphs = _glyph_boxes(mask, small.shape[0])
        if exclude is not None:
            glyphs = _outside(glyphs, exclude, scale, (ax, ay))
        for box, height, count, aspect in _group(glyphs):
            x, y, w, h = box
            frame_box = (
                ax + int(x / scale),
                ay + int(y / scale),
                max(1, round(w / scale)),
                max(1, round(h / scale)),
            )
            lines.append(TextLine(frame_box, height / scale, count, polarity, aspect))
    kept = drop_contained(sorted(lines, key=lambda line: (line.y, line.x)))
    return merge_pieces(drop_gaps(kept))


def _outside(glyphs: np.ndarray, box: Box, scale: float, origin: tuple[int, int]) -> np.ndarray:
    """The glyphs whose centre lies outside ``box`` (frame pixels; glyphs at the working scale,
    relative to ``origin`` in the frame)."""
    centres_x = origin[0] + (glyphs[:, 0] + glyphs[:, 2] / 2) / scale
    centres_y = origin[1] + (glyphs[:, 1] + glyphs[:, 3] / 2) / scale
    x, y, w, h = box
    inside = (centres_x >= x) & (centres_x <= x + w) & (centres_y >= y) & (centres_y <= y + h)
    return glyphs[~inside]


def _glyph_boxes(mask: np.ndarray, picture_lines: int) -> np.ndarray:
    # Outer contours of every component (also those inside another's hole: a frame drawn around
    # the screenshot must not hide the text inside it). The same boxes as
    # connectedComponentsWithStats, 30 times faster here.
    contours, hierarchy = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return np.zeros((0, 4), np.int32)
    boxes = _bounding_boxes([contours[i] for i in np.flatnonzero(hierarchy[0][:, 3] < 0)])
    x, y, w, h = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    integral = cv2.integral(mask)
    areas = integral[y + h, x + w] - integral[y, x + w] - integral[y + h, x] + integral[y, x]
    keep = (
        (h >= _MIN_GLYPH_PX)
        & (h <= _MAX_GLYPH_SHARE * picture_lines)
        & (w <= _MAX_BLOB_ASPECT * h)  # rules and underlines (a blurred long word is not)
        & (areas >= 0.08 * w * h)  # outlines of big boxes
        & (areas <= 0.95 * w * h + 4)  # solid blocks (QR modules, icons' fills)
    )
    return boxes[keep]


def _bounding_boxes(contours: list[np.ndarray]) -> np.ndarray:
    """``cv2.boundingRect`` of every contour, in one pass over all their points: a frame has
    hundreds of contours, and a call per contour cost a third of the box step."""
    if not contours:
        return np.zeros((0, 4), np.int32)
    lengths = np.fromiter((len(contour) for contour in contours), np.int64, len(contours))
    points = np.concatenate(contours).reshape(-1, 2)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    low = np.minimum.reduceat(points, starts)
    high = np.maximum.reduceat(points, starts)
    return np.column_stack((low, high - low + 1)).astype(np.int32)


def _group(glyphs: np.ndarray) -> list[tuple[Box, float, int, float]]:
    """Glyph boxes joined into lines: first rows (glyphs whose centres share a band), then each
    row split where the gap or the glyph size jumps. Sorting keeps this near O(n log n)."""
    found: list[tuple[Box, float, int, float]] = []
    for row_glyphs in glyph_rows(glyphs):
        row = sorted(row_glyphs.tolist(), key=itemgetter(0))  # stable: ties keep their order
        segment: list[list[int]] = []
        heights: list[int] = []
        right = 0
        last = len(row) - 1
        for position, glyph in enumerate(row):
            x, _y, w, h = glyph
            small = False
            if segment:
                line_h = heights[len(heights) // 2]
                gap = x - right
                # Punctuation ("j.smith") is small, but the line goes on at its size after it.
                following = row[position + 1][3] if position < last else 0
                small = h < 0.45 * line_h and 0.45 <= following / line_h <= 2.2
                # A jump in size splits a line (an icon beside its text is no glyph of it).
                jump = not small and not 0.45 <= h / line_h <= 2.2
                if gap > _GAP_FACTOR * (line_h if line_h > h else h) or jump:
                    _emit(segment, heights, found)
                    segment, heights, right, small = [], [], 0, False
            segment.append(glyph)
            if not small:
                insort(heights, h)
            if x + w > right:  # not max(): this loop runs for every glyph
                right = x + w
        _emit(segment, heights, found)
    return found


def _emit(
    segment: list[list[int]], heights: list[int], found: list[tuple[Box, float, int, float]]
) -> None:
    if not segment:
        return
    x0 = min(g[0] for g in segment)
    y0 = min(g[1] for g in segment)
    x1 = max(g[0] + g[2] for g in segment)
    y1 = max(g[1] + g[3] for g in segment)
    if len(segment) >= 3:
        # A descender touching the line below (a title over its subtitle) makes one glyph
        # reach far down: the line ends where a descender would, so the read stays one line.
        size = heights[len(heights) // 2]
        bottoms = sorted(g[1] + g[3] for g in segment)
        tops = sorted(g[1] for g in segment)
        y1 = min(y1, round(bottoms[len(bottoms) // 2] + _REACH * size))
        y0 = max(y0, round(tops[len(tops) // 2] - _REACH * size))
    if len(segment) < 2 and x1 - x0 < 1.6 * (y1 - y0):
        return  # a lone blob the size of a letter: an icon, a dot, a badge
    aspects = sorted(g[2] / max(1, g[3]) for g in segment)
    found.append(
        (
            (x0, y0, x1 - x0, y1 - y0),
            float(heights[len(heights) // 2]),
            len(segment),
            aspects[len(aspects) // 2],
        )
    )
