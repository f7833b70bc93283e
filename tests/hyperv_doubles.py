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

from harness.targets import hyperv_scripts
from harness.targets.hyperv_powershell import ParameterValue, PowerShellError

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
