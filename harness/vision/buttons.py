"""Buttons: where they are (for backends that click) and what they say.

Buttons are found by shape first - closed rectangles of button size in the button region, found
on the edges of every colour channel (the red screen's "Reset" differs from its background in
red far more than in grey) - and each one is read alone as a single line. Reading the whole
region at once misses labels inside focus rectangles. Text links without a box ("View
diagnostics") come from the region's OCR lines, matched against the known labels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np

from harness.vision.annotation_marks import painted_out
from harness.vision.fuzzy import normalise, similarity
from harness.vision.observation import Button
from harness.vision.ocr import ReadLine as OcrLine

Box = tuple[int, int, int, int]
_LABEL_SIMILARITY = 0.75
_MIN_HEIGHT, _MAX_HEIGHT = 0.032, 0.09  # of the picture height; bold words are under 0.03
_WORK_LINES = 540
_MIN_ASPECT, _MAX_ASPECT = 1.2, 12.0
_SCALE_SLACK = 0.1
"""How far the shared reduced copy's scale may be from the working scale (as a share of it)."""


def find_button_boxes(
    image: np.ndarray,
    region: Box,
    picture_height: int,
    reduced: tuple[np.ndarray, float] | None = None,
    *,
    without_marks: bool = False,
) -> list[Box]:
    """Rectangles of button size in ``region`` (frame pixels), nested outlines merged.
    ``reduced`` is the frame already reduced by a factor (vision's shared small copy): used
    when it is near the working scale, since reducing by an odd factor (a picture area a few
    lines short of 1080) takes OpenCV's slow general path, about 20 ms at 1080p here.
    ``without_marks``: search with red marks drawn over the picture painted out, and find
    nothing when there are none (the search without them has been made)."""
    x, y, w, h = region
    part = image[y : y + h, x : x + w]
    if part.size == 0:
        return []
    # Work at 540 picture lines: area averaging halves capture noise at 1080p (and more at 4K),
    # so edges come from the buttons, not from the sensor.
    factor = min(1.0, _WORK_LINES / max(1, picture_height))
    shared = _reduced_part(reduced, region, factor)
    if shared is None:
        small = cv2.resize(part, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    else:
        small, factor, (x, y) = shared
    if without_marks:
        cleaned = painted_out(small)
        if cleaned is None:
            return []
        small = cleaned
    blurred = cv2.GaussianBlur(small, (3, 3), 0)
    edges = np.zeros(small.shape[:2], np.uint8)
    for channel in cv2.split(blurred):
        edges |= cv2.Canny(channel, 12, 36)
    edges = cv2.dilate(edges, np.ones((2, 2), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    found: list[Box] = []
    small_height = picture_height * factor
    for contour in contours:
        bx, by, bw, bh = cv2.boundingRect(contour)
        if not _MIN_HEIGHT * small_height <= bh <= _MAX_HEIGHT * small_height:
            continue
        if not _MIN_ASPECT * bh <= bw <= _MAX_ASPECT * bh:
            continue
        if cv2.contourArea(cv2.convexHull(contour)) < 0.8 * bw * bh:
            continue  # not a filled rectangle outline (text, icons)
        found.append(
            (
                round(x + bx / factor),
                round(y + by / factor),
                round(bw / factor),
                round(bh / factor),
            )
        )
    return _merge_nested(found)


def _reduced_part(
    reduced: tuple[np.ndarray, float] | None, region: Box, factor: float
) -> tuple[np.ndarray, float, tuple[float, float]] | None:
    """``region`` cut out of the reduced copy, its scale and the frame position of its corner,
    when that copy's scale is within ``_SCALE_SLACK`` of ``factor``; None otherwise (a picture
    much smaller than its frame)."""
    if reduced is None:
        return None
    copy, scale = reduced
    if not abs(scale - factor) <= _SCALE_SLACK * factor:
        return None
    x, y, w, h = region
    x0, y0 = round(x * scale), round(y * scale)
    x1, y1 = round((x + w) * scale), round((y + h) * scale)
    part = copy[y0:y1, x0:x1]
    if part.shape[0] < 2 or part.shape[1] < 2:
        return None
    return part, scale, (x0 / scale, y0 / scale)


def _merge_nested(boxes: list[Box]) -> list[Box]:
    """One box per button: a focus ring and the button's own edge give nested rectangles."""
    kept: list[Box] = []
    # Largest first: a broken edge (JPEG, noise) can give a contour around part of a button.
    for box in sorted(boxes, key=lambda b: b[2] * b[3], reverse=True):
        if not any(_overlap(box, other) > 0.5 for other in kept):
            kept.append(box)
    return sorted(kept, key=lambda b: (b[1], b[0]))


def _overlap(a: Box, b: Box) -> float:
    """Intersection over the smaller box."""
    left, top = max(a[0], b[0]), max(a[1], b[1])
    right, bottom = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    if right <= left or bottom <= top:
        return 0.0
    return (right - left) * (bottom - top) / min(a[2] * a[3], b[2] * b[3])


def match_label(text: str, labels: Sequence[str]) -> str | None:
    best = max(labels, key=lambda label: similarity(text, label), default=None)
    if best is not None and similarity(text, best) >= _LABEL_SIMILARITY:
        return best
    return None


def read_buttons(
    boxes: Sequence[Box],
    read_box: Callable[[Box], str],
    lines: Sequence[OcrLine],
    labels: Sequence[str],
) -> tuple[Button, ...]:
    """Buttons from the boxes (each read by ``read_box``), helped by the region's OCR ``lines``:
    a box whose own reading matches no label takes the label a line found inside it; labels in
    lines outside every box are text links."""
    line_hits = list(find_buttons(lines, labels))
    buttons: list[Button] = []
    for box in boxes:
        text = read_box(box).strip()
        label = match_label(text, labels)
        if label is None:
            inside = next((hit for hit in line_hits if _overlap(hit.box, box) > 0.5), None)
            if inside is not None:
                label = inside.label
            elif _looks_like_words(text):
                label = text  # a button this build labels differently: keep what it says
        if label:
            buttons.append(Button(label, box))
    seen = {button.label for button in buttons}
    for hit in line_hits:
        if hit.label in seen or any(_overlap(hit.box, box) > 0.3 for box in boxes):
            continue
        buttons.append(hit)
        seen.add(hit.label)
    return tuple(sorted(buttons, key=lambda b: (b.box[1] // 20, b.box[0])))


def _looks_like_words(text: str) -> bool:
    """At least three letters and little else: a label, not OCR debris from an icon or list."""
    letters = sum(ch.isalpha() for ch in text)
    visible = sum(not ch.isspace() for ch in text)
    return letters >= 3 and letters >= 0.8 * visible


def find_buttons(lines: Sequence[OcrLine], labels: Sequence[str]) -> tuple[Button, ...]:
    """Labels found in OCR lines; a line with several (``Refresh  Provision``) is split by
    character offsets."""
    buttons: list[Button] = []
    for line in lines:
        words = normalise(line.text).split()
        if not words:
            continue
        text = " ".join(words)
        start = 0
        while start < len(words):
            hit = _label_at(words, start, labels)
            if hit is None:
                start += 1
                continue
            label, count = hit
            before = len(" ".join(words[:start])) + (1 if start else 0)
            span = len(" ".join(words[start : start + count]))
            buttons.append(Button(label, _sub_box(line.box, before, span, len(text))))
            start += count
    return tuple(buttons)


def _label_at(words: list[str], start: int, labels: Sequence[str]) -> tuple[str, int] | None:
    best: tuple[float, str, int] | None = None
    for label in labels:
        count = len(label.split())
        window = " ".join(words[start : start + count])
        score = similarity(window, label)
        if score >= 0.8 and (best is None or score > best[0]):
            best = (score, label, count)
    return (best[1], best[2]) if best else None


def _sub_box(box: Box, start: int, span: int, total: int) -> Box:
    x, y, w, h = box
    if total <= 0:
        return box
    left = x + int(w * start / total)
    width = max(1, int(w * span / total))
    pad = h // 2
    return (max(0, left - pad), max(0, y - pad), width + 2 * pad, h + 2 * pad)
