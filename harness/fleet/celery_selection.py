"""``--devices`` for ``fleet submit`` and ``schedule:``: a comma list of device names and
``tag:T``. One function, replaced at integration by ``harness.fleet.selection`` (which also
reads ``FACT:VALUE``)."""

from __future__ import annotations

from harness.errors import ConfigError
from harness.fleet.celery_lab import FleetLab


def select_devices(text: str, lab: FleetLab, *, key: str = "--devices") -> list[str]:
    """The devices ``text`` names, in order, each once; ConfigError for an unknown name or a
    tag no device carries (a typo would otherwise submit nothing, silently)."""
    chosen: list[str] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        if item.startswith("tag:"):
            tag = item[len("tag:") :]
            names = sorted(name for name, device in lab.devices.items() if tag in device.tags)
            if not names:
                raise ConfigError(f"no device has the tag {tag!r}", source=str(lab.path), key=key)
        elif item in lab.devices:
            names = [item]
        else:
            known = ", ".join(sorted(lab.devices)) or "none"
            raise ConfigError(
                f"no device {item!r}; devices: {known}", source=str(lab.path), key=key
            )
        chosen += [name for name in names if name not in chosen]
    if not chosen:
        raise ConfigError(f"selects no device: {text!r}", source=str(lab.path), key=key)
    return chosen
