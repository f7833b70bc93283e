"""The lab file: devices, how to reach each, and what each should show.

Example (``fixtures/lab.example.yaml`` has a complete one; ``docs/configuration.md`` every key)::

    devices:
      sim-demo:                        # the simulated device, in process
        target: {backend: sim, scenario: success, windows: 11}
        expect: {result: green, organization: Contoso}
      win11-vm-01:                     # one backend for screen, keys and power
        target: {backend: libvirt, uri: "qemu:///system", domain: win11-01}
        expect: {result: red, codes: [0x800705b4]}   # VMs fail TPM attestation
      laptop-07:                       # a physical device: three parts, configured separately
        screen: {backend: capture, device: /dev/video0, fourcc: MJPG}
        keyboard: {backend: ch9329, port: /dev/ttyUSB0}
        power: {backend: redfish, url: "https://bmc-07", password_env: BMC_07_PASSWORD}
        facts: {model: "Contoso Book 14", image_build: "26100.2605"}
        tags: [nightly, certification]
        host: rig-01                 # `harness fleet run` runs it only on rig-01
        windows: 11
        flow: {esp_timeout_s: 3600}

Either ``target`` (one backend for everything) or ``screen`` + ``keyboard`` (+ ``power``), where
``screen``/``keyboard``/``power`` may also override the matching part of ``target``.

Loading checks the whole file (every device, every part's settings) without touching anything;
``build_target`` creates the backends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.config.lab_model import PART_KEYS, DeviceEntry, LabFile
from harness.config.parts import check_part, secret_references
from harness.config.validation import validate
from harness.errors import ConfigError
from harness.flow.expectation import Expectation
from harness.flow.settings import FlowSettings
from harness.intune.settings import IntuneAppSettings, IntuneDeviceSettings
from harness.targets.protocols import Keyboard, Pointer, Power, Screen
from harness.targets.registry import create_part
from harness.targets.target import Target
from harness.yaml_file import load_yaml

ROLES = {"target": "all", "screen": "screen", "keyboard": "keyboard", "power": "power"}


@dataclass(frozen=True)
class DeviceConfig:
    name: str
    source: str
    parts: Mapping[str, Mapping[str, Any]]
    expectation: Expectation
    flow: FlowSettings
    facts: Mapping[str, str] = field(default_factory=dict)
    windows: int | None = None
    tags: tuple[str, ...] = ()
    host: str | None = None
    intune: IntuneDeviceSettings | None = None
    from_intune: bool = False
    intune_app: IntuneAppSettings | None = None
    """The lab's app registration, when this device uses Intune."""

    @property
    def uses_intune(self) -> bool:
        return self.intune_app is not None

    @property
    def where(self) -> str:
        return f"devices.{self.name}"

    def backend(self) -> str:
        """The backend that shows the screen (the one a report names)."""
        return str((self.parts.get("screen") or self.parts["target"])["backend"])

    def secret_values(self) -> tuple[str, ...]:
        """Every secret this device's parts name (``password_env``, ``password_file`` ...),
        read now: the run registers them for masking before it writes anything."""
        values = (
            reference.value()
            for settings in self.parts.values()
            for reference in secret_references(settings)
        )
        return tuple(value for value in values if value)


@dataclass(frozen=True)
class LabConfig:
    source: str
    devices: Mapping[str, DeviceConfig]
    intune: IntuneAppSettings | None = None

    def device(self, name: str) -> DeviceConfig:
        try:
            return self.devices[name]
        except KeyError:
            known = ", ".join(sorted(self.devices)) or "none"
            raise ConfigError(
                f"no device {name!r}; devices in this file: {known}", source=self.source
            ) from None


def load_lab_config(path: Path) -> LabConfig:
    source = str(path)
    lab = validate(LabFile, load_yaml(path), source=source)
    devices = {
        name: _device(name, entry, source, lab.intune) for name, entry in lab.devices.items()
    }
    return LabConfig(source, devices, lab.intune)


def _device(
    name: str, entry: DeviceEntry, source: str, intune_app: IntuneAppSettings | None = None
) -> DeviceConfig:
    where = f"devices.{name}"
    parts: dict[str, dict[str, Any]] = {}
    for key in PART_KEYS:
        settings = getattr(entry, key)
        if settings is not None:
            check_part(ROLES[key], settings, source=source, prefix=f"{where}.{key}")
            parts[key] = dict(settings)
    windows = entry.windows
    target = parts.get("target")
    if target is not None and target["backend"] == "sim":
        # The simulated device's own windows and the device's are one setting.
        if windows is not None and target.get("windows") not in (None, windows):
            raise ConfigError(
                f"windows: {windows} contradicts target.windows: {target['windows']}",
                source=source,
                key=f"{where}.windows",
            )
        windows = windows or target.get("windows")
        if windows is not None:
            target["windows"] = windows
    return DeviceConfig(
        name=name,
        source=source,
        parts=parts,
        expectation=entry.expect.expectation(),
        flow=entry.flow_settings(source=source, prefix=f"{where}.flow"),
        facts={key: str(value) for key, value in entry.facts.items()},
        windows=windows,
        tags=tuple(dict.fromkeys(entry.tags)),
        host=entry.host,
        intune=entry.intune,
        from_intune=entry.expect.from_intune,
        intune_app=intune_app if entry.uses_intune else None,
    )


def build_target(device: DeviceConfig) -> Target:
    """Create the device's backends (side effects happen here, never while loading)."""
    where = f"{device.source}: {device.where}"
    built: dict[str, object] = {}
    facts: dict[str, str] = {}
    if "target" in device.parts:
        whole = create_part("all", device.parts["target"], source=f"{where}.target")
        if isinstance(whole, Target):
            facts.update(whole.facts)  # what the backend knows (scenario, hypervisor ...)
            built.update(
                screen=whole.screen,
                keyboard=whole.keyboard,
                power=whole.power,
                pointer=whole.pointer,
            )
        else:
            built.update(screen=whole, keyboard=whole, power=whole, pointer=whole)
    for role in ("screen", "keyboard", "power"):
        if role in device.parts:
            built[role] = create_part(role, device.parts[role], source=f"{where}.{role}")
    screen, keyboard = built.get("screen"), built.get("keyboard")
    if not isinstance(screen, Screen):
        raise ConfigError("the screen backend offers no screen", source=where, key="screen")
    if not isinstance(keyboard, Keyboard):
        raise ConfigError("the keyboard backend offers no keyboard", source=where, key="keyboard")
    power = built.get("power")
    pointer = built.get("pointer")
    return Target(
        name=device.name,
        screen=screen,
        keyboard=keyboard,
        power=power if isinstance(power, Power) else None,
        pointer=pointer if isinstance(pointer, Pointer) else None,
        facts={**facts, **device.facts},
    )
