"""Backend names as they appear in YAML (``backend: ch9329``) and the module that builds each.

Every backend module exposes ``create(role, settings, *, source) -> object``; ``role`` is
``screen``, ``keyboard``, ``power`` or ``all`` (one object, or a whole Target, for a backend such
as libvirt or the simulator that offers all three). Modules are imported only when used, so a
lab without libvirt-python can still drive a capture + CH9329 rig.

Each backend's settings also have a pydantic model (``harness.config.parts.PART_MODELS``), which
the lab loader checks before anything is built; a new backend needs both.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from harness.errors import ConfigError

BACKENDS: dict[str, tuple[str, frozenset[str]]] = {
    # One simulated device is screen, keyboard and power at once: target only.
    "sim": ("harness.targets.sim_part", frozenset({"all"})),
    "libvirt": ("harness.targets.libvirt", frozenset({"all", "screen", "keyboard", "power"})),
    "hyperv": ("harness.targets.hyperv", frozenset({"all", "screen", "keyboard", "power"})),
    "capture": ("harness.targets.capture", frozenset({"screen"})),
    "desktop": ("harness.targets.desktop", frozenset({"all", "screen", "keyboard"})),
    "ch9329": ("harness.targets.ch9329", frozenset({"keyboard"})),
    "line_hid": ("harness.targets.line_hid", frozenset({"keyboard"})),
    "pikvm": ("harness.targets.pikvm", frozenset({"all", "screen", "keyboard", "power"})),
    "redfish": ("harness.targets.redfish", frozenset({"power"})),
    "ipmi": ("harness.targets.ipmi", frozenset({"power"})),
    "command": ("harness.targets.command_power", frozenset({"power"})),
    "manual": ("harness.targets.manual_power", frozenset({"power"})),
}


def yaml_key(role: str) -> str:
    """The device key a role is configured under (``all`` is the ``target:`` mapping)."""
    return "target" if role == "all" else role


def check_backend(role: str, settings: Mapping[str, Any], *, source: str) -> str:
    """The backend name of a part, checked against the registry (no import, no side effect)."""
    key = yaml_key(role)
    if not isinstance(settings, Mapping):
        raise ConfigError("expected a mapping with a 'backend' key", source=source, key=key)
    backend = settings.get("backend")
    if backend not in BACKENDS:
        raise ConfigError(
            f"unknown backend {backend!r}; expected one of {', '.join(sorted(BACKENDS))}",
            source=source,
            key=f"{key}.backend",
        )
    roles = BACKENDS[backend][1]
    if role not in roles:
        raise ConfigError(
            f"backend {backend!r} cannot serve as {key}; "
            f"it serves {', '.join(sorted(yaml_key(r) for r in roles))}",
            source=source,
            key=f"{key}.backend",
        )
    return str(backend)


def create_part(role: str, settings: Mapping[str, Any], *, source: str) -> object:
    """Build one part (or, for role ``all``, a whole target) from its YAML mapping.

    ``source`` names the file and the part (``lab.yaml: devices.laptop-07.power``); the
    backend's own errors name it with the key.
    """
    backend = check_backend(role, settings, source=source)
    module_name = BACKENDS[backend][0]
    try:
        module = importlib.import_module(module_name)
    except ImportError as problem:
        raise ConfigError(
            f"backend {backend!r} is not available: {problem} "
            "(install the matching extra, e.g. pip install 'autopilot-harness[libvirt]')",
            source=source,
            key=f"{yaml_key(role)}.backend",
        ) from None
    rest = {k: v for k, v in settings.items() if k != "backend"}
    return module.create(role, rest, source=source)
