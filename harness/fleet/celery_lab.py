"""What the Celery layer reads from a lab file: each device's host and tags, the ``fleet:``
block (broker, bundles folder, timeouts) and the ``schedule:``.

The whole file is validated as ``harness run --config`` validates it (every device, every part),
so a worker refuses a broken lab file at start rather than at its first run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness.config.devices import load_lab_config
from harness.config.fleet_model import FleetBlock, ScheduleEntry
from harness.config.lab_model import LabFile
from harness.config.validation import validate
from harness.errors import ConfigError
from harness.yaml_file import load_yaml


@dataclass(frozen=True)
class FleetDevice:
    name: str
    host: str | None
    tags: tuple[str, ...]
    facts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FleetLab:
    path: Path
    devices: Mapping[str, FleetDevice]
    fleet: FleetBlock
    schedule: Mapping[str, ScheduleEntry]

    @property
    def bundles(self) -> Path:
        """The bundles folder; a relative one is relative to the lab file (every host that
        mounts the share next to its lab file then agrees on it)."""
        folder = Path(self.fleet.bundles)
        return folder if folder.is_absolute() else self.path.parent / folder

    @property
    def database_url(self) -> str:
        """``fleet.database``, or ``fleet.db`` beside the bundles folder (SQLite)."""
        from harness.fleet.db.engine import default_database_url

        return self.fleet.database or default_database_url(self.bundles)

    def devices_of_host(self, host: str) -> list[str]:
        return sorted(name for name, device in self.devices.items() if device.host == host)

    def host_of(self, device: str) -> str:
        entry = self.devices.get(device)
        if entry is None:
            known = ", ".join(sorted(self.devices)) or "none"
            raise ConfigError(f"no device {device!r}; devices: {known}", source=str(self.path))
        if entry.host is None:
            raise ConfigError(
                "no rig host runs this device: add host: NAME",
                source=str(self.path),
                key=f"devices.{device}.host",
            )
        return entry.host


def load_fleet_lab(path: Path) -> FleetLab:
    source = str(path)
    load_lab_config(path)  # every device and part checked, as harness run does
    lab = validate(LabFile, load_yaml(path), source=source)
    devices = {
        name: FleetDevice(
            name, entry.host, tuple(entry.tags), {k: str(v) for k, v in entry.facts.items()}
        )
        for name, entry in lab.devices.items()
    }
    return FleetLab(path.resolve(), devices, lab.fleet, dict(lab.schedule))
