"""Stand-ins for a Hyper-V host on the PowerShell seam (no Hyper-V can run here).

``ReplayingRunner`` plays recorded exchanges: each call must send the expected script with the
expected parameters, and gets the recorded stdout (or a PowerShell failure with its stderr).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from harness.keys import key_by_win32_vk
from harness.targets import hyperv_scripts
from harness.targets.hyperv_powershell import ParameterValue, PowerShellError
from harness.targets.protocols import PowerState
from harness.targets.target import Target

SCRIPT_NAMES = {
    getattr(hyperv_scripts, name): name
    for name in ("VM_STATE", "START_VM", "STOP_VM_HARD", "KEYBOARD", "THUMBNAIL")
}


@dataclass
class Exchange:
    script: str
    """Name of the constant in hyperv_scripts: ``START_VM``, ``KEYBOARD`` ..."""
    parameters: dict[str, ParameterValue]
    stdout: str = ""
    stderr: str | None = None
    """When set, the script fails with this error text."""


@dataclass
class ReplayingRunner:
    exchanges: list[Exchange]
    sent: list[tuple[str, dict[str, ParameterValue]]] = field(default_factory=list)
    closed: int = 0

    def run(self, script: str, parameters: Mapping[str, ParameterValue]) -> str:
        name = SCRIPT_NAMES.get(script, "<unknown script>")
        self.sent.append((name, dict(parameters)))
        assert self.exchanges, f"unexpected extra call: {name} {dict(parameters)}"
        expected = self.exchanges.pop(0)
        assert (name, dict(parameters)) == (expected.script, expected.parameters)
        if expected.stderr is not None:
            raise PowerShellError(f"PowerShell failed: {expected.stderr}", stderr=expected.stderr)
        return expected.stdout

    def close(self) -> None:
        self.closed += 1


def state_json(name: str, state: str) -> str:
    return json.dumps({"Name": name, "State": state}, separators=(",", ":")) + "\r\n"


def steps_json(*steps: tuple[str, int, int]) -> str:
    return json.dumps(
        [{"Method": m, "KeyCode": c, "ReturnValue": r} for m, c, r in steps],
        separators=(",", ":"),
    )


def bgr_to_rgb565(image: np.ndarray) -> bytes:
    """Encode a BGR image as Hyper-V hands thumbnails out: RGB565, little-endian."""
    blue, green, red = (image[..., i].astype(np.uint16) for i in range(3))
    pixels = ((red >> 3) << 11) | ((green >> 2) << 5) | (blue >> 3)
    return pixels.astype("<u2").tobytes()


def thumbnail_json(image: np.ndarray, return_value: int = 0) -> str:
    height, width = image.shape[:2]
    data = base64.b64encode(bgr_to_rgb565(image)).decode("ascii")
    return json.dumps(
        {"ReturnValue": return_value, "Width": width, "Height": height, "ImageData": data}
    )


class SimulatedHyperVHost:
    """Answers the backend's scripts the way a Hyper-V host would, for one VM that is the
    simulated device: keys arrive as virtual-key codes, the screen leaves as RGB565."""

    def __init__(self, device: Target, vm_name: str) -> None:
        self.device = device
        self.vm_name = vm_name
        self.calls: dict[str, int] = {}
        self.keys: list[tuple[str, ...]] = []

    def run(self, script: str, parameters: Mapping[str, ParameterValue]) -> str:
        name = SCRIPT_NAMES[script]
        self.calls[name] = self.calls.get(name, 0) + 1
        if parameters["VMName"] != self.vm_name:
            raise PowerShellError("no such VM", stderr="expected exactly one VM named ...")
        power = self.device.power
        assert power is not None
        running = power.power_state() is PowerState.ON
        if name == "START_VM" and not running:
            power.power_on()
        elif name == "STOP_VM_HARD" and running:
            power.power_off()
        if name in ("VM_STATE", "START_VM", "STOP_VM_HARD"):
            on = power.power_state() is PowerState.ON
            return state_json(self.vm_name, "Running" if on else "Off")
        if name == "KEYBOARD":
            return self._keys(parameters, running)
        if not running:  # what the thumbnail script throws for a VM that is off
            message = f"VM '{self.vm_name}' has no video head (is it running?)"
            raise PowerShellError(message, stderr=message)
        return thumbnail_json(self.device.screen.grab().image)

    def _keys(self, parameters: Mapping[str, ParameterValue], running: bool) -> str:
        held_codes = list(parameters["Held"])  # type: ignore[arg-type]
        code = int(parameters["KeyCode"])  # type: ignore[arg-type]
        if not running:
            return steps_json(("TypeKey", code, 32775))
        keys = [key_by_win32_vk(c) for c in [*held_codes, code]]
        assert all(k is not None for k in keys), keys
        self.keys.append(tuple(k.name for k in keys if k is not None))
        if held_codes:
            self.device.keyboard.chord([k for k in keys if k is not None])
        else:
            assert keys[0] is not None
            self.device.keyboard.press(keys[0])
        steps = [("PressKey", c, 0) for c in held_codes] + [("TypeKey", code, 0)]
        steps += [("ReleaseKey", c, 0) for c in reversed(held_codes)]
        return steps_json(*steps)

    def close(self) -> None:
        pass
