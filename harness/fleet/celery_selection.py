"""``--devices`` for ``fleet submit`` and for a ``schedule:`` entry: the selection of
``harness fleet run`` (names, ``tag:T``, ``FACT:VALUE``; ``harness.fleet.selection``), as names."""

from __future__ import annotations

from harness.config.devices import load_lab_config
from harness.errors import ConfigError
from harness.fleet import selection
from harness.fleet.celery_lab import FleetLab


def select_devices(text: str, lab: FleetLab, *, key: str = "--devices") -> list[str]:
    """The names of the devices ``text`` selects, in the lab file's order; a ConfigError naming
    ``key`` for an unknown name or an item no device matches (a typo would otherwise queue
    nothing, silently)."""
    try:
        chosen = selection.select_devices(load_lab_config(lab.path), text)
    except ConfigError as problem:
        message = str(problem).removeprefix(f"{problem.key}: ") if problem.key else str(problem)
        raise ConfigError(message, source=str(lab.path), key=key) from None
    if not chosen:
        raise ConfigError(f"selects no device: {text!r}", source=str(lab.path), key=key)
    return [device.name for device in chosen]
