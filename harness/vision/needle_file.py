"""openQA needle files: ``name.json`` beside ``name.png``, read as os-autoinst reads them.

    {"tags": ["w10-success"],
     "properties": ["workaround", {"name": "workaround", "value": "bsc#1234: slow OOBE"}],
     "area": [{"xpos": 158, "ypos": 92, "width": 708, "height": 58, "type": "match",
               "match": 96, "margin": 50, "click_point": {"xpos": 20, "ypos": 10}},
              {"xpos": 0, "ypos": 0, "width": 1024, "height": 40, "type": "exclude"}]}

What each key means is what it means in os-autoinst's ``needle.pm``:

- ``type``: ``match`` (compared), ``exclude`` (painted over on both sides before comparing) or
  ``ocr`` (kept, not compared). At least one ``match`` area.
- ``match``: the level in percent on openQA's similarity scale (see ``needle_match``); a number
  or a numeric string (``"100"``); missing or 0 means 96, as in openQA (Perl's ``|| 96``).
- ``margin``: how far (pixels) the area may have moved; missing or 0 means 50 (``|| 50``).
- ``click_point``: ``{"xpos", "ypos"}`` relative to its area, or ``"center"``; one per needle.
  openQA honours it on a ``match`` area only; elsewhere it is kept and ignored, as there.
- ``properties``: names, or ``{"name", "value"}`` objects (``workaround`` ranks a needle above
  an equal one that is not).
- ``processing_flags`` and ``max_offset`` (written by old needle editors) are accepted and unused,
  as in openQA's matcher.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import cv2
import numpy as np
from pydantic import AfterValidator, BeforeValidator, Field

from harness.config.validation import StrictModel, validate
from harness.errors import ConfigError
from harness.vision.picture_area import Box, find_picture_area

DEFAULT_LEVEL = 96
DEFAULT_MARGIN = 50
# os-autoinst paints excluded areas pure green (CV_RGB(0, 255, 0)) on the needle and the screen.
EXCLUDE_BGR = (0, 255, 0)
_WORKAROUND_IN_NAME = re.compile(r"\S+-(bsc|poo|bnc|boo)(\d+)-\S+")


def _number(value: Any, *, what: str, integer: bool) -> Any:
    """A JSON number or a numeric string, as Perl reads either; a bool is neither."""
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, not a bool")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise ValueError(f"{what} must be a number") from None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{what} must be a number")
    if integer:
        if value != int(value):
            raise ValueError(f"{what} must be a whole number of pixels")
        return int(value)
    return float(value)


def _level(value: Any) -> Any:
    return _number(value, what='a match level (percent, e.g. 96 or "96")', integer=False)


def _pixels(value: Any) -> Any:
    return _number(value, what="a pixel count", integer=True)


def _offset(value: Any) -> Any:
    return _number(value, what="a click offset", integer=False)


Level = Annotated[float, BeforeValidator(_level), Field(ge=0, le=100)]
Pixels = Annotated[int, BeforeValidator(_pixels), Field(ge=0)]
Size = Annotated[int, BeforeValidator(_pixels), Field(ge=1)]
Offset = Annotated[float, BeforeValidator(_offset), Field(ge=0)]


def _click_point(value: Any) -> Any:
    """``"center"`` is read as a flag so that one model carries both forms of a click point
    (and an error names the key instead of listing the alternatives of a union)."""
    if value == "center":
        return {"xpos": 0, "ypos": 0, "center": True}
    if isinstance(value, dict) and "center" not in value:
        return value
    raise ValueError('a click_point is {"xpos": X, "ypos": Y} (inside its area) or "center"')


def _property(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


def _not_empty(what: str) -> Any:
    def check(items: list[Any]) -> list[Any]:
        if not items:
            raise ValueError(f"a needle needs at least one {what}")
        return items

    return AfterValidator(check)


class ClickPointModel(StrictModel):
    xpos: Offset
    ypos: Offset
    center: bool = False


class AreaModel(StrictModel):
    xpos: Pixels = 0
    ypos: Pixels = 0
    width: Size
    height: Size
    type: Literal["match", "ocr", "exclude"] = "match"
    match: Level | None = None
    margin: Pixels | None = None
    click_point: Annotated[ClickPointModel, BeforeValidator(_click_point)] | None = None
    processing_flags: Any = None
    max_offset: Any = None


class PropertyModel(StrictModel):
    name: Annotated[str, Field(min_length=1)]
    value: str | None = None


class NeedleModel(StrictModel):
    tags: Annotated[list[Annotated[str, Field(min_length=1)]], _not_empty("tag")]
    area: Annotated[list[AreaModel], _not_empty("area")]
    properties: list[Annotated[PropertyModel, BeforeValidator(_property)]] = Field(
        default_factory=list
    )


@dataclass(frozen=True)
class NeedleProperty:
    name: str
    value: str | None = None


ClickPoint = tuple[float, float] | Literal["center"]


@dataclass(frozen=True)
class NeedleArea:
    box: Box
    """Where the area is in the needle's PNG (x, y, width, height)."""
    kind: str
    level: float
    """Required similarity 0..1 on openQA's scale (the JSON's ``match`` / 100)."""
    margin: int
    click_point: ClickPoint | None = None


@dataclass(frozen=True, eq=False)
class Needle:
    name: str
    path: Path
    tags: tuple[str, ...]
    areas: tuple[NeedleArea, ...]
    properties: tuple[NeedleProperty, ...]
    image: np.ndarray
    """The PNG as recorded (BGR)."""
    prepared: np.ndarray = field(repr=False)
    """Grey, excludes painted, 3x3 Gaussian blur: what openQA compares."""
    picture_area: Box
    """The active picture inside the PNG (without black bars), to map other frame sizes."""

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the PNG."""
        return self.image.shape[1], self.image.shape[0]

    def has_property(self, name: str) -> bool:
        return any(item.name == name for item in self.properties)

    def property_value(self, name: str) -> str | None:
        """A property's value; for ``workaround``, openQA also reads ``bsc1234`` in the name."""
        for item in self.properties:
            if item.name == name and item.value is not None:
                return item.value
        if name == "workaround":
            found = _WORKAROUND_IN_NAME.fullmatch(self.name)
            if found:
                return f"{found.group(1)}#{found.group(2)}"
        return None


def load_needle(json_path: Path) -> Needle:
    """The needle in ``json_path`` and its PNG; ``ConfigError`` naming the file and key."""
    source = str(json_path)
    try:
        document: Any = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as problem:
        raise ConfigError(f"not a readable JSON needle: {problem}", source=source) from None
    model = validate(NeedleModel, document, source=source)
    png_path = json_path.with_suffix(".png")
    image = cv2.imread(str(png_path), cv2.IMREAD_COLOR) if png_path.is_file() else None
    if image is None:
        raise ConfigError("the needle's PNG is missing or unreadable", source=str(png_path))
    areas = tuple(_area(raw, index, image.shape, source) for index, raw in enumerate(model.area))
    if not any(area.kind == "match" for area in areas):
        raise ConfigError("a needle needs at least one `match` area", source=source, key="area")
    with_click = [index for index, raw in enumerate(model.area) if raw.click_point is not None]
    if len(with_click) > 1:
        # openQA refuses such a needle too: a click would be ambiguous.
        raise ConfigError(
            f"more than one area has a click_point (areas {with_click})", source=source, key="area"
        )
    properties = tuple(NeedleProperty(item.name, item.value) for item in model.properties)
    return Needle(
        name=json_path.stem,
        path=json_path,
        tags=tuple(model.tags),
        areas=areas,
        properties=properties,
        image=image,
        prepared=prepare(paint_excludes(image, areas)),
        picture_area=find_picture_area(image),
    )


def _area(raw: AreaModel, index: int, shape: tuple[int, ...], source: str) -> NeedleArea:
    height, width = shape[:2]
    x, y, w, h = raw.xpos, raw.ypos, raw.width, raw.height
    if x + w > width or y + h > height:
        raise ConfigError(
            f"area {x},{y} {w}x{h} is outside the {width}x{height} PNG",
            source=source,
            key=f"area[{index}]",
        )
    level = raw.match or DEFAULT_LEVEL  # Perl's `|| 96`: 0 is the default too
    margin = raw.margin or DEFAULT_MARGIN
    click: ClickPoint | None = None
    if raw.click_point is not None:
        point = raw.click_point
        click = "center" if point.center else (point.xpos, point.ypos)
    return NeedleArea((x, y, w, h), raw.type, level / 100.0, margin, click)


def paint_excludes(image: np.ndarray, areas: tuple[NeedleArea, ...]) -> np.ndarray:
    """A copy of ``image`` with every exclude area filled green, as os-autoinst does."""
    painted = image.copy()
    for area in areas:
        if area.kind == "exclude":
            x, y, w, h = area.box
            painted[y : y + h, x : x + w] = EXCLUDE_BGR
    return painted


def prepare(image_bgr: np.ndarray) -> np.ndarray:
    """openQA's ``Image::prep``: grey, then a 3x3 Gaussian blur over the whole picture."""
    grey = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
    return cv2.GaussianBlur(grey, (3, 3), 0, 0)
