"""One part of a device (``target``, ``screen``, ``keyboard``, ``power``): its backend and settings.

Checked when the lab file is loaded, before anything is built: the backend exists, it can serve
that part, and its settings fit the backend's model (``backends_rig``, ``backends_virtual``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.config.backends_rig import RIG_BACKENDS
from harness.config.backends_virtual import VIRTUAL_BACKENDS
from harness.config.part_fields import SECRET_MARK
from harness.config.validation import StrictModel, validate
from harness.errors import ConfigError
from harness.targets.registry import BACKENDS, yaml_key

PART_MODELS: dict[str, type[StrictModel]] = {**RIG_BACKENDS, **VIRTUAL_BACKENDS}
"""Backend name -> the model of its settings (every backend of the registry has one)."""

LITERAL_SECRETS = ("password",)


@dataclass(frozen=True)
class SecretReference:
    """Where a part's secret lives: ``env`` (a variable's name) or ``file`` (a path)."""

    key: str
    kind: str
    reference: str

    def value(self) -> str | None:
        """The secret now (None when the variable is unset or the file unreadable: the
        backend itself reports that when it is built)."""
        if self.kind == "env":
            return os.environ.get(self.reference)
        try:
            return Path(self.reference).expanduser().read_text(encoding="utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError):
            return None


def check_part(role: str, settings: Any, *, source: str, prefix: str) -> str:
    """The part's backend name, after checking the backend, the role and every setting.

    ``prefix`` is the part's key path (``devices.laptop-07.power``).
    """
    if not isinstance(settings, Mapping):
        raise ConfigError(
            f"expected a mapping with a 'backend' key, found {settings!r}",
            source=source,
            key=prefix,
        )
    backend = settings.get("backend")
    if backend not in BACKENDS:
        raise ConfigError(
            f"expected a backend, one of {', '.join(sorted(BACKENDS))}; found {backend!r}",
            source=source,
            key=f"{prefix}.backend",
        )
    roles = BACKENDS[backend][1]
    if role not in roles:
        raise ConfigError(
            f"backend {backend!r} cannot serve as {yaml_key(role)}; "
            f"it serves {', '.join(sorted(yaml_key(r) for r in roles))}",
            source=source,
            key=f"{prefix}.backend",
        )
    rest = {key: value for key, value in settings.items() if key != "backend"}
    for literal in LITERAL_SECRETS:
        if literal in rest:
            # Refused before validation so that no error message can quote the value.
            raise ConfigError(
                f"a literal {literal} is not accepted: use {literal}_env (an environment "
                f"variable name) or {literal}_file (a file holding it)",
                source=source,
                key=f"{prefix}.{literal}",
            )
    validate(PART_MODELS[backend], rest, source=source, prefix=prefix)
    return str(backend)


def secret_references(settings: Mapping[str, Any]) -> list[SecretReference]:
    """Every secret a (checked) part's settings name, by the fields marked secret."""
    model = PART_MODELS[str(settings["backend"])]
    found = []
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        kind = extra.get(SECRET_MARK) if isinstance(extra, dict) else None
        reference = settings.get(name)
        if kind and isinstance(reference, str) and reference:
            found.append(SecretReference(name, str(kind), reference))
    return found
