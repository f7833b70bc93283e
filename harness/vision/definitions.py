"""Screen definitions: the data files that say what each screen of the flow looks like.

One YAML file per Windows version and language (``win10/en-US.yaml``), plus a shared
``failure-codes.yaml`` and openQA needles in ``needles/``. Every key is validated here; a bad file
raises ConfigError naming the file, the key and what was expected. ``docs/vision.md`` documents
the format. A minimal file::

    windows: 10
    language: en-US
    labels:
      organization: ["Organization:"]
    screens:
      w10-success:
        state: success
        layout:
          title: [0.05, 0.03, 0.9, 0.2]
        colours:
          - {name: green, region: [0, 0.2, 1, 0.6], hsv_min: [55, 120, 50],
             hsv_max: [90, 255, 200], min_share: 0.5}
        anchors:
          - {text: "Windows Autopilot Configuration", region: title, tolerance: 0.25}
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

import harness
from harness.errors import ConfigError
from harness.vision.observation import ScreenState

Region = tuple[float, float, float, float]
"""(x, y, width, height) as fractions of the picture area."""

SCREENS_DIR_ENV = "HARNESS_SCREENS_DIR"
LAYOUT_NAMES = ("title", "fields", "buttons", "qr", "tiles", "phases", "message", "body")
LABEL_NAMES = (
    "organization",
    "profile",
    "user",
    "elapsed",
    "not_found_organization",
    "not_found_profile",
    "not_assigned",
    "esp_phases",
    "esp_statuses",
    "buttons",
    "hours",
    "minutes",
    "seconds",
    "failed",
    "tiles",
    "esp_steps",
)


def default_screens_dir() -> Path:
    """``$HARNESS_SCREENS_DIR`` if set, else ``fixtures/screens`` next to the package."""
    override = os.environ.get(SCREENS_DIR_ENV)
    if override:
        return Path(override)
    return Path(harness.__file__).resolve().parents[1] / "fixtures" / "screens"


@dataclass(frozen=True)
class ColourRule:
    """A share of pixels in a region whose HSV (OpenCV scale: H 0-179) lies in a range.

    ``hsv_min[0] > hsv_max[0]`` means the hue range wraps through 0 (red).
    """

    name: str
    region: Region
    hsv_min: tuple[int, int, int]
    hsv_max: tuple[int, int, int]
    min_share: float = 0.5
    max_share: float = 1.0


@dataclass(frozen=True)
class Anchor:
    text: str
    region: Region
    tolerance: float = 0.2
    """Largest accepted normalised edit distance (0 exact .. 1 anything)."""
    psm: int = 6
    read_height: int = 648
    """OCR the region with the picture scaled to this many lines (large titles read well at
    648; small labels need 1080 or more)."""


@dataclass(frozen=True)
class ScreenDefinition:
    name: str
    state: ScreenState
    windows: int
    language: str
    source: str
    colours: tuple[ColourRule, ...] = ()
    anchors: tuple[Anchor, ...] = ()
    min_anchors: int = 1
    layout: dict[str, Region] = field(default_factory=dict)
    needle_tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DefinitionSet:
    """Everything loaded from one definitions directory for one version and language."""

    screens: tuple[ScreenDefinition, ...]
    labels: dict[tuple[int, str], dict[str, tuple[str, ...]]]
    """Per (windows, language): label name -> accepted texts."""
    failure_codes: tuple[tuple[str, str, str], ...]
    """(kind ``code`` or ``text``, pattern lower-case, category value), in file order."""
    directory: Path

    def labels_for(self, windows: int | None, language: str) -> dict[str, tuple[str, ...]]:
        if windows is not None and (windows, language) in self.labels:
            return self.labels[(windows, language)]
        for (_win, lang), labels in self.labels.items():
            if lang == language:
                return labels
        return next(iter(self.labels.values()), {})


def load_definitions(
    directory: Path | None = None, *, windows: int | None = None, language: str = "en-US"
) -> DefinitionSet:
    """Load ``win*/<language>.yaml`` (all versions, or only ``windows``) and the code table."""
    base = Path(directory) if directory is not None else default_screens_dir()
    if not base.is_dir():
        raise ConfigError("screen definitions directory does not exist", source=str(base))
    versions = (windows,) if windows is not None else (10, 11)
    screens: list[ScreenDefinition] = []
    labels: dict[tuple[int, str], dict[str, tuple[str, ...]]] = {}
    for version in versions:
        path = base / f"win{version}" / f"{language}.yaml"
        if not path.is_file():
            if windows is not None:
                raise ConfigError(
                    f"no definitions for Windows {version} in {language}", source=str(path)
                )
            continue
        file_screens, file_labels = load_definition_file(path)
        screens.extend(file_screens)
        labels[(file_screens[0].windows, language)] = file_labels
    if not screens:
        raise ConfigError(
            f"no definition files win10/{language}.yaml or win11/{language}.yaml", source=str(base)
        )
    codes = load_failure_codes(base / "failure-codes.yaml")
    return DefinitionSet(tuple(screens), labels, codes, base)


def load_definition_file(
    path: Path,
) -> tuple[list[ScreenDefinition], dict[str, tuple[str, ...]]]:
    source = str(path)
    document = _read_yaml(path)
    _only_keys(document, {"windows", "language", "labels", "screens"}, source, "")
    windows = document.get("windows")
    if windows not in (10, 11):
        raise ConfigError(f"expected 10 or 11, got {windows!r}", source=source, key="windows")
    language = document.get("language")
    if not isinstance(language, str) or not language:
        raise ConfigError("expected a language tag such as en-US", source=source, key="language")
    labels = _parse_labels(document.get("labels", {}), source)
    raw_screens = document.get("screens")
    if not isinstance(raw_screens, dict) or not raw_screens:
        raise ConfigError("expected a mapping of screen names", source=source, key="screens")
    screens = [
        _parse_screen(name, body, windows, language, source) for name, body in raw_screens.items()
    ]
    return screens, labels


def load_failure_codes(path: Path) -> tuple[tuple[str, str, str], ...]:
    """``codes: [{code: 0x800705b4, category: tpm-attestation}, {text: ..., category: ...}]``."""
    if not path.is_file():
        return ()
    source = str(path)
    document = _read_yaml(path)
    entries = document.get("codes")
    if not isinstance(entries, list):
        raise ConfigError("expected a list", source=source, key="codes")
    categories = {"tpm-attestation", "enrollment", "esp-timeout", "network", "unknown"}
    table: list[tuple[str, str, str]] = []
    for index, entry in enumerate(entries):
        key = f"codes[{index}]"
        if not isinstance(entry, dict):
            raise ConfigError("expected a mapping", source=source, key=key)
        _only_keys(entry, {"code", "text", "category", "meaning"}, source, key)
        category = entry.get("category")
        if category not in categories:
            raise ConfigError(
                f"expected one of {sorted(categories)}, got {category!r}",
                source=source,
                key=f"{key}.category",
            )
        if isinstance(entry.get("code"), str) and entry["code"].lower().startswith("0x"):
            table.append(("code", entry["code"].lower(), category))
        elif isinstance(entry.get("text"), str) and entry["text"].strip():
            table.append(("text", entry["text"].lower(), category))
        else:
            raise ConfigError(
                "expected `code` (a 0x... string, quoted) or `text` (a string)",
                source=source,
                key=key,
            )
    return tuple(table)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as problem:
        raise ConfigError(f"cannot read: {problem}", source=str(path)) from problem
    except yaml.YAMLError as problem:
        raise ConfigError(f"not valid YAML: {problem}", source=str(path)) from problem
    if not isinstance(document, dict):
        raise ConfigError("expected a mapping at the top level", source=str(path))
    return document


def _only_keys(mapping: dict[str, Any], allowed: set[str], source: str, key: str) -> None:
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        where = f"{key}.{unknown[0]}" if key else str(unknown[0])
        raise ConfigError(
            f"unknown key; expected one of {sorted(allowed)}", source=source, key=where
        )


def _parse_labels(raw: Any, source: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise ConfigError("expected a mapping", source=source, key="labels")
    _only_keys(raw, set(LABEL_NAMES), source, "labels")
    labels: dict[str, tuple[str, ...]] = {}
    for name, value in raw.items():
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise ConfigError(
                "expected a string or a list of strings", source=source, key=f"labels.{name}"
            )
        labels[name] = tuple(values)
    return labels


def _parse_screen(
    name: str, body: Any, windows: int, language: str, source: str
) -> ScreenDefinition:
    key = f"screens.{name}"
    if not isinstance(body, dict):
        raise ConfigError("expected a mapping", source=source, key=key)
    _only_keys(
        body, {"state", "layout", "colours", "anchors", "min_anchors", "needles"}, source, key
    )
    state_value = body.get("state")
    try:
        state = ScreenState(state_value)
    except ValueError:
        names = [s.value for s in ScreenState if s is not ScreenState.UNKNOWN]
        raise ConfigError(
            f"expected one of {names}, got {state_value!r}", source=source, key=f"{key}.state"
        ) from None
    layout_raw = body.get("layout", {})
    if not isinstance(layout_raw, dict):
        raise ConfigError("expected a mapping", source=source, key=f"{key}.layout")
    _only_keys(layout_raw, set(LAYOUT_NAMES), source, f"{key}.layout")
    layout = {
        part: _region(value, source, f"{key}.layout.{part}") for part, value in layout_raw.items()
    }
    colours = tuple(
        _colour(item, source, f"{key}.colours[{i}]")
        for i, item in enumerate(_list(body.get("colours", []), source, f"{key}.colours"))
    )
    anchors = tuple(
        _anchor(item, layout, source, f"{key}.anchors[{i}]")
        for i, item in enumerate(_list(body.get("anchors", []), source, f"{key}.anchors"))
    )
    needle_tags = tuple(_list(body.get("needles", []), source, f"{key}.needles"))
    if not all(isinstance(tag, str) for tag in needle_tags):
        raise ConfigError("expected a list of needle tags", source=source, key=f"{key}.needles")
    min_anchors = body.get("min_anchors", 1 if anchors else 0)
    if not isinstance(min_anchors, int) or not 0 <= min_anchors <= len(anchors):
        raise ConfigError(
            f"expected an integer from 0 to {len(anchors)}", source=source, key=f"{key}.min_anchors"
        )
    if not colours and not anchors and not needle_tags:
        raise ConfigError(
            "a screen needs at least one of colours, anchors, needles", source=source, key=key
        )
    return ScreenDefinition(
        name, state, windows, language, source, colours, anchors, min_anchors, layout, needle_tags
    )


def _list(value: Any, source: str, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise ConfigError("expected a list", source=source, key=key)
    return value


def _region(value: Any, source: str, key: str) -> Region:
    if (
        isinstance(value, list)
        and len(value) == 4
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        x, y, w, h = (float(v) for v in value)
        if 0 <= x < 1 and 0 <= y < 1 and w > 0 and h > 0 and x + w <= 1.0001 and y + h <= 1.0001:
            return (x, y, w, h)
    raise ConfigError(
        f"expected [x, y, width, height] as fractions of the picture (0..1), got {value!r}",
        source=source,
        key=key,
    )


def _colour(item: Any, source: str, key: str) -> ColourRule:
    if not isinstance(item, dict):
        raise ConfigError("expected a mapping", source=source, key=key)
    _only_keys(
        item, {"name", "region", "hsv_min", "hsv_max", "min_share", "max_share"}, source, key
    )
    hsv: list[tuple[int, int, int]] = []
    for bound in ("hsv_min", "hsv_max"):
        value = item.get(bound)
        limits = (179, 255, 255)
        if not (
            isinstance(value, list)
            and len(value) == 3
            and all(
                isinstance(v, int) and 0 <= v <= lim for v, lim in zip(value, limits, strict=True)
            )
        ):
            raise ConfigError(
                f"expected [h 0-179, s 0-255, v 0-255] (OpenCV HSV), got {value!r}",
                source=source,
                key=f"{key}.{bound}",
            )
        hsv.append((value[0], value[1], value[2]))
    shares = {}
    for bound, default in (("min_share", 0.5), ("max_share", 1.0)):
        value = item.get(bound, default)
        if not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ConfigError(
                f"expected a number from 0 to 1, got {value!r}", source=source, key=f"{key}.{bound}"
            )
        shares[bound] = float(value)
    return ColourRule(
        name=str(item.get("name", key)),
        region=_region(item.get("region", [0, 0, 1, 1]), source, f"{key}.region"),
        hsv_min=hsv[0],
        hsv_max=hsv[1],
        **shares,
    )


def _anchor(item: Any, layout: dict[str, Region], source: str, key: str) -> Anchor:
    if isinstance(item, str):
        item = {"text": item}
    if not isinstance(item, dict):
        raise ConfigError("expected a mapping or a string", source=source, key=key)
    _only_keys(item, {"text", "region", "tolerance", "psm", "read_height"}, source, key)
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ConfigError("expected a non-empty string", source=source, key=f"{key}.text")
    region_value = item.get("region", "title")
    if isinstance(region_value, str):
        if region_value not in layout:
            raise ConfigError(
                f"names layout region {region_value!r}, which this screen does not define",
                source=source,
                key=f"{key}.region",
            )
        region = layout[region_value]
    else:
        region = _region(region_value, source, f"{key}.region")
    tolerance = item.get("tolerance", 0.2)
    if not isinstance(tolerance, int | float) or not 0 <= tolerance < 1:
        raise ConfigError(
            f"expected a number from 0 to 1, got {tolerance!r}",
            source=source,
            key=f"{key}.tolerance",
        )
    psm = item.get("psm", 6)
    if psm not in (3, 4, 6, 7, 11, 12, 13):
        raise ConfigError(
            f"expected a Tesseract page segmentation mode (3, 4, 6, 7, 11, 12, 13), got {psm!r}",
            source=source,
            key=f"{key}.psm",
        )
    read_height = item.get("read_height", 648)
    if not isinstance(read_height, int) or not 200 <= read_height <= 4320:
        raise ConfigError(
            f"expected picture lines from 200 to 4320, got {read_height!r}",
            source=source,
            key=f"{key}.read_height",
        )
    return Anchor(text.strip(), region, float(tolerance), psm, read_height)
