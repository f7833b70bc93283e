"""Load the screen definitions: one YAML file per Windows version and language
(``win10/en-US.yaml``), a shared ``failure-codes.yaml`` and openQA needles in ``needles/``.

The format is the pydantic models of ``definition_model``; every error is a ConfigError naming
the file, the key path, what was expected and what was found. A minimal file::

    windows: 10
    language: en-US
    looks:
      green: [{name: green, hsv_min: [45, 110, 45], hsv_max: [95, 255, 255], min_share: 0.4}]
    labels:
      organization: ["Organization:"]
    screens:
      w10-success:
        state: success
        titles: ["Windows Autopilot Configuration"]
        look: green
        needs: {labels: 2}
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

import harness
from harness.config.validation import validate
from harness.errors import ConfigError
from harness.vision.definition_model import (
    ColourRule,
    DefinitionFile,
    FailureCodeFile,
    Needs,
)
from harness.vision.observation import ScreenState

SCREENS_DIR_ENV = "HARNESS_SCREENS_DIR"


def default_screens_dir() -> Path:
    """``$HARNESS_SCREENS_DIR`` if set, else ``fixtures/screens`` next to the package."""
    override = os.environ.get(SCREENS_DIR_ENV)
    if override:
        return Path(override)
    return Path(harness.__file__).resolve().parents[1] / "fixtures" / "screens"


@dataclass(frozen=True)
class ScreenDefinition:
    """One screen of one file, with its look resolved to colour rules."""

    name: str
    state: ScreenState
    windows: int
    language: str
    source: str
    titles: tuple[str, ...]
    title_tolerance: float
    look: str | None
    colours: tuple[ColourRule, ...]
    needs: Needs
    qr: bool = True
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

    def all_labels(self, name: str) -> tuple[str, ...]:
        """One label's texts over every loaded version (a frame's version is not known yet)."""
        seen: list[str] = []
        for labels in self.labels.values():
            seen.extend(text for text in labels.get(name, ()) if text not in seen)
        return tuple(seen)


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
    document = validate(DefinitionFile, _read_yaml(path), source=source)
    for name, screen in document.screens.items():
        if screen.look is not None and screen.look not in document.looks:
            known = ", ".join(sorted(document.looks)) or "none"
            raise ConfigError(
                f"expected a name defined under `looks` ({known}), found {screen.look!r}",
                source=source,
                key=f"screens.{name}.look",
            )
    screens = [
        ScreenDefinition(
            name=name,
            state=screen.state,
            windows=document.windows,
            language=document.language,
            source=source,
            titles=tuple(text.strip() for text in screen.titles),
            title_tolerance=screen.title_tolerance,
            look=screen.look,
            colours=tuple(document.looks[screen.look]) if screen.look else (),
            needs=screen.needs,
            qr=screen.qr,
            needle_tags=tuple(screen.needles),
        )
        for name, screen in document.screens.items()
    ]
    labels = {name: tuple(texts) for name, texts in document.labels.items()}
    return screens, labels


def load_failure_codes(path: Path) -> tuple[tuple[str, str, str], ...]:
    """``codes: [{code: "0x800705b4", category: tpm-attestation}, {text: ..., category: ...}]``."""
    if not path.is_file():
        return ()
    document = validate(FailureCodeFile, _read_yaml(path), source=str(path))
    table: list[tuple[str, str, str]] = []
    for entry in document.codes:
        if entry.code is not None:
            table.append(("code", entry.code.lower(), entry.category))
        elif entry.text is not None:
            table.append(("text", entry.text.lower(), entry.category))
    return tuple(table)


def _read_yaml(path: Path) -> Any:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as problem:
        raise ConfigError(f"cannot read: {problem}", source=str(path)) from problem
    except yaml.YAMLError as problem:
        raise ConfigError(f"not valid YAML: {problem}", source=str(path)) from problem
    if not isinstance(document, dict):
        raise ConfigError("expected a mapping at the top level", source=str(path))
    return document
