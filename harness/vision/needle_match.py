"""Match one openQA needle against a frame, with os-autoinst's own algorithm and scale.

os-autoinst (``ppmclibs/tinycv_impl.cc``, ``search_TEMPLATE``; ``tinycv.pm``, ``search_``):

1. exclude areas are painted green on a copy of the screen and on the needle;
2. both are turned grey and blurred with a 3x3 Gaussian;
3. each match area is searched (sum of squared differences) within ``margin`` pixels of where
   it was recorded; among the places within 10 of the smallest error, the one closest to the
   recorded place wins (a perfect fit at the recorded place is taken at once);
4. at that place the grey mean squared error (MSE) gives the similarity
   ``0.9 + (40 - MSE) / 380``, clamped to 0..1: MSE 2 is 100 %, 17.2 is 96 %, 40 is 90 %;
5. the needle passes when every match area reaches its level.

So a 96 % level allows a grey RMS error of about 4 levels of 255, and the comparison is colour
blind (a red and a green screen of one brightness match): colour is checked by the screen
definitions' colour rules, which a needle cannot override.

A frame of the needle's size is compared as it is (as in openQA). A frame of another size is
mapped into the needle's pixels first: its picture area (without black bars) is scaled to the
height of the needle's picture area and centred on it, the rest filled with openQA's padding grey
(120); every box and click point is mapped back into frame pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from harness.vision.needle_file import (
    EXCLUDE_BGR,
    Needle,
    NeedleArea,
    NeedleProperty,
    prepare,
)
from harness.vision.picture_area import Box, crop, find_picture_area

PADDING_GREY = 120  # os-autoinst's image_scale fills with this grey (120, 120, 120)
_TIE = 10.0  # minVec: errors within 10 of the best count as equally good
_SAME_SCALE = 0.005  # closer to 1 than this: shift only, no resampling
_WIDEST_MARGIN = 1024  # a search_ratio of 1 widens every margin to this (openQA's constant)


@dataclass(frozen=True)
class AreaMatch:
    area: Box
    """The area as recorded, in the needle's pixels."""
    found: Box
    """Where it was found, in frame pixels."""
    similarity: float
    level: float
    passed: bool


@dataclass(frozen=True)
class NeedleMatch:
    name: str
    score: float
    """The similarity of the area that decided (the one furthest below, or least above, its
    level), 0..1 on openQA's scale."""
    level: float
    """That area's required level (0..1)."""
    passed: bool
    box: Box | None
    """The found match areas together, in frame pixels."""
    click_point: tuple[int, int] | None
    """The needle's click point where it was found, in frame pixels (None: the needle has
    none on a match area)."""
    properties: tuple[NeedleProperty, ...]
    detail: str
    areas: tuple[AreaMatch, ...] = ()
    error: float = 1.0
    """openQA's ranking error: mean of (1 - similarity)^2 over the match areas."""
    workaround: bool = False

    @property
    def click_target(self) -> tuple[int, int] | None:
        """Where openQA's ``click_lastmatch`` clicks: the click point, else the centre of the
        last match area."""
        if self.click_point is not None:
            return self.click_point
        if not self.areas:
            return None
        x, y, w, h = self.areas[-1].found
        return (x + w // 2, y + h // 2)


@dataclass(frozen=True)
class _Placement:
    """Frame pixels -> needle pixels: needle = offset + (frame - origin) * factor."""

    factor: float
    origin: tuple[int, int]
    offset: tuple[int, int]

    def to_frame(self, x: float, y: float) -> tuple[int, int]:
        return (
            int(self.origin[0] + (x - self.offset[0]) / self.factor),
            int(self.origin[1] + (y - self.offset[1]) / self.factor),
        )


def match_needle(
    needle: Needle, image: np.ndarray, area: Box | None = None, *, search_ratio: float = 0.0
) -> NeedleMatch:
    """How well ``needle`` matches the BGR frame ``image``.

    ``area`` is the frame's picture area when the caller knows it (used only when the frame and
    the needle differ in size); ``search_ratio`` 0..1 widens every margin towards 1024 pixels as
    openQA's ``assert_screen`` does near its timeout.
    """
    scene, placement = _in_needle_pixels(needle, image, area)
    scene = prepare(_paint(scene, needle.areas))
    frame_h, frame_w = image.shape[:2]
    results: list[AreaMatch] = []
    click: tuple[int, int] | None = None
    for item in needle.areas:
        if item.kind != "match":
            continue
        margin = int(item.margin + search_ratio * (_WIDEST_MARGIN - item.margin))
        similarity, (x, y) = search_area(scene, needle.prepared, item.box, margin)
        w, h = item.box[2], item.box[3]
        left, top = placement.to_frame(x, y)
        right, bottom = placement.to_frame(x + w, y + h)
        found = _clip((left, top, right - left, bottom - top), frame_w, frame_h)
        results.append(AreaMatch(item.box, found, similarity, item.level, similarity >= item.level))
        if item.click_point is not None:
            click = _click(item, (x, y), placement)
    deciding = min(results, key=lambda result: result.similarity - result.level)
    passed = all(result.passed for result in results)
    error = sum((1.0 - result.similarity) ** 2 for result in results) / len(results)
    detail = "; ".join(
        f"area {_box_text(r.area)}: {r.similarity:.3f} (needs {r.level:.2f})"
        f" at {_box_text(r.found)}"
        for r in results
    )
    return NeedleMatch(
        name=needle.name,
        score=deciding.similarity,
        level=deciding.level,
        passed=passed,
        box=_union([result.found for result in results]),
        click_point=click,
        properties=needle.properties,
        detail=detail,
        areas=tuple(results),
        error=error,
        workaround=needle.has_property("workaround"),
    )


def search_area(
    scene: np.ndarray, needle: np.ndarray, box: Box, margin: int
) -> tuple[float, tuple[int, int]]:
    """os-autoinst's ``search_TEMPLATE`` on prepared (grey, blurred) pictures of one size:
    the similarity of ``box`` of ``needle`` in ``scene`` and where it was found."""
    x, y, width, height = box
    rows, cols = scene.shape[:2]
    if x < 0 or y < 0 or y + height > rows or x + width > cols:
        return 0.0, (0, 0)
    left, top = max(0, x - margin), max(0, y - margin)
    right, bottom = min(cols, x + width + margin), min(rows, y + height + margin)
    window = scene[top:bottom, left:right]
    template = needle[y : y + height, x : x + width]
    errors = cv2.matchTemplate(window, template, cv2.TM_SQDIFF)
    at_recorded = float(errors[y - top, x - left])
    if at_recorded == 0:
        return 1.0, (x, y)
    best = _closest_good(errors, at_recorded, (x, y))
    if best is None:
        return 0.0, (0, 0)
    found_x, found_y = best[0] + left, best[1] + top
    difference = scene[found_y : found_y + height, found_x : found_x + width].astype(np.float64)
    difference -= template
    mse = float(np.mean(difference * difference))
    return min(1.0, max(0.0, 0.9 + (40.0 - mse) / 380.0)), (found_x, found_y)


def _closest_good(
    errors: np.ndarray, bound: float, recorded: tuple[int, int]
) -> tuple[int, int] | None:
    """openQA's ``minVec`` then ``SortByClose``: the good places, the one nearest ``recorded``.

    ``minVec`` scans row by row keeping the places within 10 of the best error seen so far
    (starting from the error at the recorded place) and forgets the kept places whenever a
    place beats that best. That keeps the places from the first occurrence of the smallest
    error on whose error is within 10 of it (or, when nothing beats the recorded place, every
    place within 10 of the recorded error). openQA measures the distance from the recorded
    place in frame pixels to places in search-window pixels; so does this, so that ties break
    the same way.
    """
    flat = errors.ravel()
    limit = np.float32(bound)
    smallest = int(np.argmin(flat))
    if flat[smallest] + np.float32(_TIE) < limit + np.float32(_TIE):
        threshold = flat[smallest] + np.float32(_TIE)
        indices = np.arange(smallest, flat.size)
        kept = indices[flat[smallest:] <= threshold]
    else:
        kept = np.flatnonzero(flat <= limit + np.float32(_TIE))
    if kept.size == 0:
        return None
    ys, xs = np.unravel_index(kept, errors.shape)
    distance = np.hypot(xs - recorded[0], ys - recorded[1])
    nearest = int(np.argmin(distance))
    return int(xs[nearest]), int(ys[nearest])


def _in_needle_pixels(
    needle: Needle, image: np.ndarray, area: Box | None
) -> tuple[np.ndarray, _Placement]:
    """The frame as a picture of the needle's size, and how to map positions back."""
    needle_w, needle_h = needle.size
    frame_h, frame_w = image.shape[:2]
    if (frame_w, frame_h) == (needle_w, needle_h):
        return image, _Placement(1.0, (0, 0), (0, 0))
    frame_box = area if area is not None else find_picture_area(image)
    picture = crop(image, frame_box)
    target_x, target_y, target_w, target_h = needle.picture_area
    factor = target_h / max(1, picture.shape[0])
    if abs(factor - 1.0) < _SAME_SCALE:
        factor = 1.0
    else:
        size = (max(1, round(picture.shape[1] * factor)), target_h)
        while picture.shape[0] >= 2 * target_h:
            # Halving first takes OpenCV's fast integer path: a 4K frame scales in half the time.
            picture = cv2.resize(picture, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR
        picture = cv2.resize(picture, size, interpolation=interpolation)
    canvas = np.full((needle_h, needle_w, 3), PADDING_GREY, dtype=np.uint8)
    # Centred on the needle's picture: Windows scales its layout with the height and centres it.
    left = target_x + (target_w - picture.shape[1]) // 2
    top = target_y
    _paste(canvas, picture, left, top)
    return canvas, _Placement(factor, (frame_box[0], frame_box[1]), (left, top))


def _paste(canvas: np.ndarray, picture: np.ndarray, left: int, top: int) -> None:
    """``picture`` onto ``canvas`` at (left, top), clipped to the canvas."""
    rows, cols = canvas.shape[:2]
    src_x, src_y = max(0, -left), max(0, -top)
    dst_x, dst_y = max(0, left), max(0, top)
    width = min(picture.shape[1] - src_x, cols - dst_x)
    height = min(picture.shape[0] - src_y, rows - dst_y)
    if width > 0 and height > 0:
        canvas[dst_y : dst_y + height, dst_x : dst_x + width] = picture[
            src_y : src_y + height, src_x : src_x + width
        ]


def _paint(scene: np.ndarray, areas: tuple[NeedleArea, ...]) -> np.ndarray:
    if not any(area.kind == "exclude" for area in areas):
        return scene
    painted = scene.copy()
    for area in areas:
        if area.kind == "exclude":
            x, y, w, h = area.box
            painted[y : y + h, x : x + w] = EXCLUDE_BGR
    return painted


def _click(item: NeedleArea, found: tuple[int, int], placement: _Placement) -> tuple[int, int]:
    """openQA's ``_calculate_clickpoint`` (offset inside the found area), in frame pixels."""
    if item.click_point == "center" or item.click_point is None:
        dx, dy = item.box[2] / 2, item.box[3] / 2
    else:
        dx, dy = item.click_point
    return placement.to_frame(found[0] + dx, found[1] + dy)


def _clip(box: Box, width: int, height: int) -> Box:
    x, y, w, h = box
    left, top = min(max(0, x), width), min(max(0, y), height)
    right, bottom = min(max(0, x + w), width), min(max(0, y + h), height)
    return (left, top, right - left, bottom - top)


def _union(boxes: list[Box]) -> Box | None:
    boxes = [box for box in boxes if box[2] > 0 and box[3] > 0]
    if not boxes:
        return None
    left = min(box[0] for box in boxes)
    top = min(box[1] for box in boxes)
    right = max(box[0] + box[2] for box in boxes)
    bottom = max(box[1] + box[3] for box in boxes)
    return (left, top, right - left, bottom - top)


def _box_text(box: Box) -> str:
    return f"{box[0]},{box[1]} {box[2]}x{box[3]}"
