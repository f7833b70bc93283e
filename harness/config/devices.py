"""The lab file: devices, how to reach each, and what each should show.

Example (``fixtures/lab.example.yaml`` has a complete one)::

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
        windows: 11
        flow: {esp_timeout_s: 3600}

Either ``target`` (one backend for everything) or ``screen`` + ``keyboard`` (+ ``power``), where
``screen``/``keyboard``/``power`` may also override the matching part of ``target``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import ConfigError
from harness.flow.expectation import Expectation
from harness.flow.settings import FlowSettings
from harness.targets.protocols import Keyboard, Pointer, Power, Screen
from harness.targets.registry import check_backend, create_part
from harness.targets.target import Target
from harness.yaml_file import load_yaml

DEVICE_KEYS = {"target", "screen", "keyboard", "power", "expect", "flow", "facts", "windows"}


@dataclass(frozen=True)
class DeviceConfig:
    name: str
    source: str
    parts: Mapping[str, Mapping[str, Any]]
    expectation: Expectation
    flow: FlowSettings
    facts: Mapping[str, str] = field(default_factory=dict)
    windows: int | None = None


@dataclass(frozen=True)
class LabConfig:
    source: str
    devices: Mapping[str, DeviceConfig]

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
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("devices"), dict):
        raise ConfigError("expected a mapping with a 'devices' mapping", source=source)
    devices = {
        str(name): _device(str(name), entry, source) for name, entry in data["devices"].items()
    }
    return LabConfig(source, devices)


def _device(name: str, entry: object, source: str) -> DeviceConfig:
    where = f"devices.{name}"
    if not isinstance(entry, dict):
        raise ConfigError("expected a mapping", source=source, key=where)
    unknown = set(entry) - DEVICE_KEYS
    if unknown:
        raise ConfigError(
            f"unknown key(s) {', '.join(sorted(unknown))}; "
            f"expected {', '.join(sorted(DEVICE_KEYS))}",
            source=source,
            key=where,
        )
    parts = {
        role: entry[role]
        for role in ("target", "screen", "keyboard", "power")
        if entry.get(role) is not None
    }
    for key, settings in parts.items():
        check_backend("all" if key == "target" else key, settings, source=f"{source}: {where}")
    if "target" not in parts and not {"screen", "keyboard"} <= set(parts):
        raise ConfigError(
            "needs either 'target' or both 'screen' and 'keyboard'", source=source, key=where
        )
    windows = entry.get("windows")
    if windows is not None and windows not in (10, 11):
        raise ConfigError(
            f"expected 10 or 11, got {windows!r}", source=source, key=f"{where}.windows"
        )
    facts = entry.get("facts") or {}
    if not isinstance(facts, dict):
        raise ConfigError("expected a mapping", source=source, key=f"{where}.facts")
    return DeviceConfig(
        name=name,
        source=source,
        parts=parts,
        expectation=Expectation.from_mapping(
            entry.get("expect") or {}, source=f"{source}: {where}"
        ),
        flow=FlowSettings.from_mapping(entry.get("flow") or {}, source=f"{source}: {where}"),
        facts={str(k): str(v) for k, v in facts.items()},
        windows=windows,
    )


def build_target(device: DeviceConfig) -> Target:
    """Create the device's backends (side effects happen here, never while loading)."""
    where = f"{device.source}: devices.{device.name}"
    built: dict[str, object] = {}
    if "target" in device.parts:
        whole = create_part("all", device.parts["target"], source=where)
        if isinstance(whole, Target):
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
            built[role] = create_part(role, device.parts[role], source=where)
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
        facts=dict(device.facts),
    )
