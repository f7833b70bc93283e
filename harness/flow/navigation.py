"""The keys the flow presses to act on each screen, as key scripts kept in a data file.

Which key moves the focus to "Provision" or opens the diagnostics is a fact of a Windows build
(and partly UNCONFIRMED on real devices), so it lives in ``fixtures/navigation.yaml``, not in code.
A lab whose build behaves differently points ``HARNESS_NAVIGATION`` at its own copy.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import ConfigError
from harness.keys import parse_script
from harness.yaml_file import load_yaml

ACTIONS = (
    "next_tile",
    "confirm_options",
    "refresh",
    "provision",
    "reseal",
    "open_diagnostics",
    "export_logs",
    "close_diagnostics",
    "reset",
    "dismiss_dialog",
)

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "fixtures" / "navigation.yaml"


@dataclass(frozen=True)
class Navigation:
    windows: int
    scripts: Mapping[str, str]
    click_labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per action, the button labels a backend that can click clicks instead of the keys."""

    def script(self, action: str) -> str:
        try:
            return self.scripts[action]
        except KeyError:
            raise ConfigError(
                f"no key script for {action!r} on Windows {self.windows}", key=action
            ) from None


def load_navigation(windows: int, path: Path | None = None) -> Navigation:
    path = path or Path(os.environ.get("HARNESS_NAVIGATION", DEFAULT_PATH))
    source = str(path)
    data = load_yaml(path)
    section = (data or {}).get(f"windows{windows}")
    if not isinstance(section, dict):
        raise ConfigError("missing section", source=source, key=f"windows{windows}")
    scripts: dict[str, str] = {}
    for action in ACTIONS:
        script = section.get(action)
        if not isinstance(script, str):
            raise ConfigError(
                "expected a key script", source=source, key=f"windows{windows}.{action}"
            )
        try:
            parse_script(script)
        except ConfigError as problem:
            raise ConfigError(
                str(problem), source=source, key=f"windows{windows}.{action}"
            ) from None
        scripts[action] = script
    click_labels = _click_labels(section.get("click") or {}, source, windows)
    unknown = set(section) - set(ACTIONS) - {"click"}
    if unknown:
        raise ConfigError(
            f"unknown actions {sorted(unknown)}; expected {', '.join(ACTIONS)}",
            source=source,
            key=f"windows{windows}",
        )
    return Navigation(windows, scripts, click_labels)


def _click_labels(data: object, source: str, windows: int) -> dict[str, tuple[str, ...]]:
    where = f"windows{windows}.click"
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping of action to button labels", source=source, key=where)
    labels: dict[str, tuple[str, ...]] = {}
    for action, names in data.items():
        if action not in ACTIONS:
            raise ConfigError(
                f"unknown action; expected one of {', '.join(ACTIONS)}",
                source=source,
                key=f"{where}.{action}",
            )
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ConfigError("expected a list of labels", source=source, key=f"{where}.{action}")
        labels[action] = tuple(names)
    return labels
