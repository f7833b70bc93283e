"""``fixtures/lab.example.yaml`` works as documented: every device builds into a target, the
hardware ones fail cleanly at their first contact (a RigError naming what was contacted), and the
simulated ones run to their verdict through ``harness run``.

The hardware devices are pointed at loopback addresses whose ports are closed and at device
paths that do not exist (the example's own hosts are never contacted); everything else in their
configuration is the example's.
"""

from __future__ import annotations

import copy
import json
import socket
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.config import build_target, load_lab_config
from harness.errors import RigError
from harness.keys.chord import parse_chord

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "lab.example.yaml"
SIM_DEVICES = (
    "sim-demo",
    "sim-vm-like",
    "sim-wrong-profile",
    "sim-update-error",
    "sim-esp-timeout",
    "sim-capture-frozen",
)
HARDWARE_DEVICES = (
    "win11-vm-01",
    "laptop-07",
    "kiosk-12",
    "desk-03",
    "hyperv-w11-02",
)
PASSWORD_VARIABLES = ("BMC_07_PASSWORD", "PIKVM_12_PASSWORD", "BMC_03_PASSWORD", "HYPERV_PASSWORD")
TOTP_VARIABLES = ("PIKVM_12_TOTP_SECRET",)  # kvmd-totp secrets are base32


def _closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _to_loopback(part: dict[str, Any], nowhere: Path) -> dict[str, Any]:
    """The part with every address, port and device path replaced by one that cannot answer."""
    part = dict(part)
    if "url" in part:
        scheme = part["url"].split("://")[0]
        part["url"] = f"{scheme}://127.0.0.1:{_closed_port()}"
    if "host" in part:
        part.update(host="127.0.0.1", port=_closed_port())
    if "ca_file" in part:
        part["ca_file"] = ssl.get_default_verify_paths().cafile or part["ca_file"]
    if part["backend"] == "capture":
        part.update(device=str(nowhere / "video0"), stall_timeout_s=0.5, open_timeout_s=0.2)
    if part["backend"] == "ch9329":
        part["port"] = str(nowhere / "ttyUSB0")
    if part["backend"] == "libvirt":
        part["uri"] = f"qemu+unix:///system?socket={nowhere}/libvirt-sock"
    if part["backend"] == "desktop":
        part["display"] = ":97"  # no X server there
    if part["backend"] == "ipmi":
        part.update(ipmi_timeout_s=1, ipmi_retries=0)
    return part


@pytest.fixture
def loopback_lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for variable in PASSWORD_VARIABLES:
        monkeypatch.setenv(variable, "lab-test")
    for variable in TOTP_VARIABLES:
        monkeypatch.setenv(variable, "NBQXE3TFONZS23DBMIWXIZLTOQ")
    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    changed = copy.deepcopy(document)
    nowhere = tmp_path / "nowhere"
    for device in changed["devices"].values():
        for key in ("target", "screen", "keyboard", "power"):
            if key in device and device[key]["backend"] != "sim":
                device[key] = _to_loopback(device[key], nowhere)
    lab = tmp_path / "lab.yaml"
    lab.write_text(yaml.safe_dump(changed), encoding="utf-8")
    return lab


def test_the_example_names_every_device_this_test_covers() -> None:
    hardware = {item.values[0] if hasattr(item, "values") else item for item in HARDWARE_DEVICES}
    assert set(load_lab_config(EXAMPLE).devices) == {*SIM_DEVICES, *hardware}


def test_the_simulated_devices_build_into_targets() -> None:
    lab = load_lab_config(EXAMPLE)
    for name in SIM_DEVICES:
        with build_target(lab.device(name)) as target:
            assert target.power is not None and target.facts["backend"] == "sim"
    demo = lab.device("sim-demo")
    assert demo.windows == 11 and demo.flow.esp_timeout_s == 180


# pyautogui binds a process to the first X display it opens (harness.targets.desktop_input):
# a desktop device is contacted from a fresh process, as `harness run` would be.
OWN_PROCESS = {"desk-03"}
_CONTACT_IN_CHILD = (
    "import json, sys; from tests.test_lab_example import first_contact_messages; "
    "print(json.dumps(first_contact_messages(sys.argv[1], sys.argv[2])))"
)


def first_contact_messages(lab_file: str | Path, name: str) -> dict[str, str]:
    """Each part of device ``name`` contacted once: the RigError message per role (an error of
    another kind, or none at all, fails)."""
    device = load_lab_config(Path(lab_file)).device(name)
    messages: dict[str, str] = {}
    with build_target(device) as target:
        contacts = {
            "power": lambda: target.power.power_state(),  # type: ignore[union-attr]
            "keyboard": lambda: target.keyboard.press(parse_chord("enter")[0]),
            "screen": lambda: target.screen.grab(),
        }
        for role, contact in contacts.items():
            if role == "power" and target.power is None:
                continue
            try:
                contact()
            except RigError as problem:
                messages[role] = str(problem)
            else:
                raise AssertionError(f"{name} {role}: the first contact did not fail")
    return messages


@pytest.mark.parametrize("name", HARDWARE_DEVICES)
def test_a_hardware_device_builds_and_fails_cleanly_at_first_contact(
    name: str, loopback_lab: Path
) -> None:
    device = load_lab_config(loopback_lab).device(name)
    contacted = " ".join(
        str(part) for settings in device.parts.values() for part in settings.values()
    )
    if name in OWN_PROCESS:
        child = subprocess.run(
            [sys.executable, "-c", _CONTACT_IN_CHILD, str(loopback_lab), name],
            cwd=Path(__file__).resolve().parents[1],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert child.returncode == 0, child.stdout + child.stderr
        messages = json.loads(child.stdout.splitlines()[-1])
    else:
        messages = first_contact_messages(loopback_lab, name)
    for role, message in messages.items():
        # The error says what could not be reached: an address, a path, a window or display.
        named = [word for word in contacted if word in message]
        assert named, f"{name} {role}: {message!r} names none of {contacted!r}"


def _identifiers(parts: dict[str, Any]) -> list[str]:
    found = []
    for settings in parts.values():
        for key in ("url", "device", "port", "uri", "display", "window_title", "host", "vm"):
            value = settings.get(key)
            if isinstance(value, str):
                found.append(value.split("?")[0].removeprefix("https://").removeprefix("http://"))
            elif isinstance(value, int) and key == "port":
                found.append(str(value))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("name, result", [("sim-demo", "green"), ("sim-vm-like", "red")])
def test_harness_run_takes_the_example_sim_devices_to_their_verdict(
    name: str, result: str, tmp_path: Path
) -> None:
    command = [sys.executable, "-m", "harness.cli.main", "run", "--quiet"]
    command += ["--config", str(EXAMPLE), "--device", name, "--out", str(tmp_path)]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=240, check=False)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    (bundle,) = tmp_path.iterdir()
    saved = json.loads((bundle / "result.json").read_text(encoding="utf-8"))
    assert saved["verdict"] == "passed" and saved["result"] == result
    assert saved["device"]["name"] == name and saved["device"]["backend"] == "sim"
    assert "Traceback" not in finished.stderr
