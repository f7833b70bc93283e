"""Reference screens in openQA's needle format: ``name.png`` plus ``name.json``::

    {"tags": ["w10-success"],
     "area": [{"xpos": 96, "ypos": 120, "width": 1728, "height": 110, "type": "match",
               "match": 96, "margin": 50},
              {"xpos": 0, "ypos": 0, "width": 1920, "height": 60, "type": "exclude"}]}

A needle is recorded as a whole frame. The picture area of the frame under test is scaled to the
needle's height (centre-aligned), then each ``match`` area is searched for within ``margin``
pixels of where it was.
Similarity is ``1 - RMS difference / 255`` over all three colour channels, so that a reddish and a
greenish area never match each other (openQA's grayscale matching is colour blind); ``exclude``
areas are masked out; ``ocr`` areas are kept for reference and not matched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from harness.errors import ConfigError
from harness.vision.picture_area import Box, crop

AREA_TYPES = ("match", "ocr", "exclude")


@dataclass(frozen=True)
class NeedleArea:
    box: Box
    kind: str
    level: float
    """Required similarity 0..1 (the JSON's ``match`` percentage / 100)."""
    margin: int


@dataclass(frozen=True)
class Needle:
    name: str
    tags: tuple[str, ...]
    areas: tuple[NeedleArea, ...]
    image: np.ndarray


@dataclass(frozen=True)
class NeedleMatch:
    name: str
    score: float
    """The lowest area similarity (0..1)."""
    passed: bool
    detail: str
    box: Box | None


class NeedleSet:
    def __init__(self, needles: tuple[Needle, ...] = ()) -> None:
        self.needles = needles

    @classmethod
    def load(cls, directory: Path) -> NeedleSet:
        """Every ``*.json`` needle in ``directory`` (none when it does not exist)."""
        if not directory.is_dir():
            return cls(())
        return cls(tuple(load_needle(path) for path in sorted(directory.glob("*.json"))))

    def with_tags(self, tags: tuple[str, ...]) -> list[Needle]:
        return [needle for needle in self.needles if set(needle.tags) & set(tags)]

    def best_match(self, image: np.ndarray, area: Box, tags: tuple[str, ...]) -> NeedleMatch | None:
        best: NeedleMatch | None = None
        for needle in self.with_tags(tags):
            match = match_needle(needle, image, area)
            if best is None or (match.passed, match.score) > (best.passed, best.score):
                best = match
        return best


def load_needle(json_path: Path) -> Needle:
    source = str(json_path)
    try:
        document: Any = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as problem:
        raise ConfigError(f"not a readable JSON needle: {problem}", source=source) from problem
    if not isinstance(document, dict):
        raise ConfigError("expected a JSON object", source=source)
    tags = document.get("tags")
    if not isinstance(tags, list) or not tags or not all(isinstance(t, str) for t in tags):
        raise ConfigError("expected a non-empty list of strings", source=source, key="tags")
    png_path = json_path.with_suffix(".png")
    image = cv2.imread(str(png_path), cv2.IMREAD_COLOR)
    if image is None:
        raise ConfigError("the needle's PNG is missing or unreadable", source=str(png_path))
    height, width = image.shape[:2]
    raw_areas = document.get("area")
    if not isinstance(raw_areas, list) or not raw_areas:
        raise ConfigError("expected a non-empty list of areas", source=source, key="area")
    areas = []
    for index, raw in enumerate(raw_areas):
        key = f"area[{index}]"
        if not isinstance(raw, dict):
            raise ConfigError("expected an object", source=source, key=key)
        numbers = [raw.get(name) for name in ("xpos", "ypos", "width", "height")]
        if not all(isinstance(n, int) and n >= 0 for n in numbers):
            raise ConfigError("expected integer xpos, ypos, width, height", source=source, key=key)
        x, y, w, h = numbers
        if w == 0 or h == 0 or x + w > width or y + h > height:
            raise ConfigError(
                f"area {x},{y} {w}x{h} is empty or outside the {width}x{height} PNG",
                source=source,
                key=key,
            )
        kind = raw.get("type", "match")
        if kind not in AREA_TYPES:
            raise ConfigError(f"expected one of {AREA_TYPES}", source=source, key=f"{key}.type")
        level = raw.get("match", 96)
        margin = raw.get("margin", 50)
        if not isinstance(level, int | float) or not 0 < level <= 100:
            raise ConfigError("expected a percentage 1-100", source=source, key=f"{key}.match")
        if not isinstance(margin, int) or margin < 0:
            raise ConfigError("expected pixels >= 0", source=source, key=f"{key}.margin")
        areas.append(NeedleArea((x, y, w, h), kind, float(level) / 100.0, margin))
    if not any(area.kind == "match" for area in areas):
        raise ConfigError("a needle needs at least one `match` area", source=source, key="area")
    return Needle(json_path.stem, tuple(tags), tuple(areas), image)


def match_needle(needle: Needle, image: np.ndarray, area: Box) -> NeedleMatch:
    """Match ``needle`` against the picture ``area`` of ``image``."""
    height, width = needle.image.shape[:2]
    picture = crop(image, area)
    if picture.size == 0:
        return NeedleMatch(needle.name, 0.0, False, "empty picture", None)
    # Windows scales its layout with the screen height and centres it, so the picture is scaled
    # to the needle's height and aligned on the centre: a needle recorded at 4:3 still finds a
    # centred title on a 16:9 frame (areas anchored to an edge need the recorded aspect ratio).
    factor = height / picture.shape[0]
    scaled_width = max(1, round(picture.shape[1] * factor))
    scaled = cv2.resize(picture, (scaled_width, height), interpolation=cv2.INTER_AREA)
    shift = (scaled_width - width) // 2
    if shift < 0:
        scaled = cv2.copyMakeBorder(
            scaled, 0, 0, -shift, width - scaled_width + shift, cv2.BORDER_REPLICATE
        )
        shift = 0
    exclude = np.zeros((height, width), dtype=bool)
    for item in needle.areas:
        if item.kind == "exclude":
            x, y, w, h = item.box
            exclude[y : y + h, x : x + w] = True
    scores: list[float] = []
    details: list[str] = []
    first_box: Box | None = None
    passed = True
    for item in needle.areas:
        if item.kind != "match":
            continue
        similarity, (found_x, found_y) = _search(needle.image, scaled, item, exclude, shift)
        scores.append(similarity)
        passed = passed and similarity >= item.level
        details.append(f"area {item.box}: {similarity:.3f} (needs {item.level:.2f})")
        if first_box is None:
            first_box = (
                area[0] + int(found_x / factor),
                area[1] + int(found_y / factor),
                int(item.box[2] / factor),
                int(item.box[3] / factor),
            )
    score = min(scores) if scores else 0.0
    return NeedleMatch(needle.name, score, passed, "; ".join(details), first_box)


def _search(
    reference: np.ndarray, scaled: np.ndarray, item: NeedleArea, exclude: np.ndarray, shift: int
) -> tuple[float, tuple[int, int]]:
    """Best similarity of one area within its margin, and where (in scaled-picture pixels)."""
    x, y, w, h = item.box
    template = _soften(reference)[y : y + h, x : x + w]
    scaled = _soften(scaled)
    keep = (~exclude[y : y + h, x : x + w]).astype(np.uint8)
    x += shift
    height, width = scaled.shape[:2]
    left, top = max(0, x - item.margin), max(0, y - item.margin)
    right, bottom = min(width, x + w + item.margin), min(height, y + h + item.margin)
    window = scaled[top:bottom, left:right]
    if window.shape[0] < h or window.shape[1] < w or not keep.any():
        return 0.0, (x, y)
    mask = cv2.merge([keep, keep, keep]) if not keep.all() else None
    result = cv2.matchTemplate(
        window.astype(np.float32), template.astype(np.float32), cv2.TM_SQDIFF, mask=mask
    )
    minimum, _max, location, _max_location = cv2.minMaxLoc(result)
    counted = float(keep.sum()) * 3
    rms = float(np.sqrt(max(0.0, minimum) / counted))
    return max(0.0, 1.0 - rms / 255.0), (left + location[0], top + location[1])


def _soften(image: np.ndarray) -> np.ndarray:
    """A light blur: text rendered at another resolution differs pixel by pixel in its edges
    (hinting, anti-aliasing); blurring both sides compares shapes and colours, not edge pixels."""
    return cv2.GaussianBlur(image, (0, 0), 1.5)
