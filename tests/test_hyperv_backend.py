"""The Hyper-V backend driven through recorded PowerShell exchanges (no Hyper-V host here).

The recorded stdout is what the scripts print on a Hyper-V host (one line of JSON); a failing
script is recorded as its stderr.
"""

from __future__ import annotations

import numpy as np
import pytest

from harness.errors import (
    ConfigError,
    ConnectionLost,
    KeyNotAccepted,
    NoFrame,
    PowerControlError,
    RigError,
    UsageError,
)
from harness.keys import key, run_script
from harness.targets.hyperv import create, hyperv_target
from harness.targets.hyperv_keyboard import HyperVKeyboard, describe_return
from harness.targets.hyperv_power import HyperVPower
from harness.targets.hyperv_remote import RemotePowerShell
from harness.targets.hyperv_screen import HyperVScreen
from harness.targets.protocols import Keyboard, Power, PowerState, Screen
from tests.hyperv_doubles import Exchange, ReplayingRunner, state_json, steps_json, thumbnail_json

VM = "autopilot-01"
WIN = {"VMName": VM, "Held": [], "KeyCode": 0x5B, "StepMs": 100}


def test_replayed_session_power_keys_screen_state_off() -> None:
    picture = np.zeros((6, 8, 3), np.uint8)
    picture[:, :4] = (0, 0, 255)  # left half red, right half white
    picture[:, 4:] = (255, 255, 255)
    runner = ReplayingRunner(
        [
            Exchange("VM_STATE", {"VMName": VM}, state_json(VM, "Off")),
            Exchange("START_VM", {"VMName": VM}, state_json(VM, "Running")),
            Exchange("KEYBOARD", WIN, steps_json(("TypeKey", 0x5B, 0))),
            Exchange("KEYBOARD", WIN, steps_json(("TypeKey", 0x5B, 4096))),  # job started: ok
            Exchange(
                "KEYBOARD",
                {"VMName": VM, "Held": [0x11], "KeyCode": 0x44, "StepMs": 100},
                steps_json(("PressKey", 0x11, 0), ("TypeKey", 0x44, 0), ("ReleaseKey", 0x11, 0)),
            ),
            Exchange("THUMBNAIL", {"VMName": VM}, thumbnail_json(picture)),
            Exchange("VM_STATE", {"VMName": VM}, state_json(VM, "Running")),
            Exchange("STOP_VM_HARD", {"VMName": VM}, state_json(VM, "Off")),
            Exchange("VM_STATE", {"VMName": VM}, state_json(VM, "Off")),
        ]
    )
    target = hyperv_target(runner, VM, key_interval_s=0)
    assert isinstance(target.screen, Screen) and isinstance(target.keyboard, Keyboard)
    assert isinstance(target.power, Power)
    assert target.power_state() is PowerState.OFF
    target.power.power_on()
    run_script("<leftSuper><leftSuper><leftCtrlOn>d<leftCtrlOff>", target.keyboard, sleep=_no_sleep)
    frame = target.screen.grab()
    assert frame.source == f"hyperv:{VM}" and (frame.width, frame.height) == (8, 6)
    assert tuple(frame.image[0, 0]) == (0, 0, 255) and tuple(frame.image[5, 7]) == (255, 255, 255)
    assert target.power_state() is PowerState.ON
    target.power.power_off()
    assert target.power_state() is PowerState.OFF
    assert runner.exchanges == []
    target.close()
    assert runner.closed == 3  # one close per part; the transports make it idempotent


def _no_sleep(seconds: float) -> None:
    pass


@pytest.mark.parametrize(
    ("code", "meaning"),
    [
        (32768, "failed"),
        (32769, "access denied: run the harness elevated"),
        (32770, "not supported"),
        (32773, "invalid parameter"),
        (32775, "invalid state: is the VM running?"),
        (12345, "unexpected return value 12345"),
    ],
)
def test_keyboard_return_codes_raise_key_not_accepted(code: int, meaning: str) -> None:
    runner = ReplayingRunner([Exchange("KEYBOARD", WIN, steps_json(("TypeKey", 0x5B, code)))])
    with pytest.raises(KeyNotAccepted) as caught:
        HyperVKeyboard(runner, VM).press(key("win"))
    assert f"Msvm_Keyboard.TypeKey(0x5B) returned {code} ({meaning}" in str(caught.value)


def test_return_code_table() -> None:
    assert describe_return(0) == "completed"
    assert describe_return(4096) == "job started"


def test_chord_with_a_refused_modifier_names_the_step() -> None:
    runner = ReplayingRunner(
        [
            Exchange(
                "KEYBOARD",
                {"VMName": VM, "Held": [0x11, 0x12], "KeyCode": 0x2E, "StepMs": 100},
                # the script stops at the refused PressKey and releases what it pressed
                steps_json(
                    ("PressKey", 0x11, 0), ("PressKey", 0x12, 32775), ("ReleaseKey", 0x11, 0)
                ),
            )
        ]
    )
    with pytest.raises(
        KeyNotAccepted, match=r"refused leftctrl\+leftalt\+delete: .*PressKey\(0x12\)"
    ):
        HyperVKeyboard(runner, VM).chord([key("ctrl"), key("alt"), key("del")])


def test_missing_steps_are_not_accepted() -> None:
    runner = ReplayingRunner([Exchange("KEYBOARD", WIN, "[]")])
    with pytest.raises(KeyNotAccepted, match="ran 0 keyboard steps, expected 1"):
        HyperVKeyboard(runner, VM).press(key("win"))


def test_keyboard_script_failure_and_garbage() -> None:
    runner = ReplayingRunner(
        [
            Exchange("KEYBOARD", WIN, stderr="expected exactly one VM named 'autopilot-01'"),
            Exchange("KEYBOARD", WIN, "WARNING: something"),
        ]
    )
    keyboard = HyperVKeyboard(runner, VM)
    with pytest.raises(KeyNotAccepted, match="did not take leftsuper: expected exactly one VM"):
        keyboard.press(key("win"))
    with pytest.raises(ConnectionLost, match="answered something unreadable"):
        keyboard.press(key("win"))


def test_keyboard_refuses_bad_chords() -> None:
    keyboard = HyperVKeyboard(ReplayingRunner([]), VM)
    with pytest.raises(UsageError):
        keyboard.chord([])
    with pytest.raises(UsageError):
        keyboard.chord([key("ctrl"), key("ctrl")])


def test_keys_are_paced() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        now[0] += seconds

    runner = ReplayingRunner([Exchange("KEYBOARD", WIN, steps_json(("TypeKey", 0x5B, 0)))] * 3)
    keyboard = HyperVKeyboard(runner, VM, key_interval_s=0.25, clock=lambda: now[0], sleep=sleep)
    keyboard.press(key("win"))  # first key: no wait
    now[0] += 0.05  # the caller spends 50 ms
    keyboard.press(key("win"))
    now[0] += 1.0  # long enough already
    keyboard.press(key("win"))
    assert slept == [0.2]


def test_all_black_thumbnail_is_no_frame_with_the_hint() -> None:
    black = thumbnail_json(np.zeros((4, 4, 3), np.uint8))
    runner = ReplayingRunner([Exchange("THUMBNAIL", {"VMName": VM}, black)])
    with pytest.raises(NoFrame, match=r"all black \(for 0 s\): no active display session on the"):
        HyperVScreen(runner, VM, black_limit_s=0).grab()


def test_black_frames_pass_until_the_black_limit() -> None:
    """A reboot's short black gap is a picture the flow must see; endless black is a rig error."""
    black = thumbnail_json(np.zeros((4, 4, 3), np.uint8))
    grey = thumbnail_json(np.full((4, 4, 3), 128, np.uint8))
    now = [0.0]
    runner = ReplayingRunner(
        [Exchange("THUMBNAIL", {"VMName": VM}, out) for out in (black, black, grey, black, black)]
    )
    screen = HyperVScreen(runner, VM, black_limit_s=30, clock=lambda: now[0])
    assert screen.grab().image.max() == 0  # black at 0 s: returned
    now[0] = 29.0
    assert screen.grab().image.max() == 0  # still under the limit
    now[0] = 40.0
    assert screen.grab().image.max() == 132  # a picture again resets the count (128 -> RGB565)
    now[0] = 50.0
    screen.grab()
    now[0] = 80.0
    with pytest.raises(NoFrame, match=r"all black \(for 30 s\): no active display session"):
        screen.grab()


@pytest.mark.parametrize(
    ("stdout", "error", "message"),
    [
        (
            '{"ReturnValue":32775,"Width":0,"Height":0,"ImageData":""}',
            NoFrame,
            r"returned 32775 \(invalid state: is the VM running\?\)",
        ),
        ('{"ReturnValue":0,"Width":8,"Height":6,"ImageData":""}', NoFrame, "empty: is the VM"),
        ('{"ReturnValue":0,"Width":8,"Height":6,"ImageData":"AAAA"}', RigError, "buffer is short"),
        ("not json", NoFrame, "unreadable answer"),
        ('{"ReturnValue":0,"Width":8,"Height":6,"ImageData":"@@"}', NoFrame, "unreadable answer"),
    ],
)
def test_thumbnail_problems(stdout: str, error: type[Exception], message: str) -> None:
    runner = ReplayingRunner([Exchange("THUMBNAIL", {"VMName": VM}, stdout)])
    with pytest.raises(error, match=message):
        HyperVScreen(runner, VM).grab()


@pytest.mark.parametrize(
    ("state", "power"),
    [
        ("Running", PowerState.ON),
        ("Off", PowerState.OFF),
        ("Saved", PowerState.UNKNOWN),
        ("Stopping", PowerState.UNKNOWN),
        ("Starting", PowerState.UNKNOWN),
    ],
)
def test_power_states(state: str, power: PowerState) -> None:
    runner = ReplayingRunner([Exchange("VM_STATE", {"VMName": VM}, state_json(VM, state))])
    assert HyperVPower(runner, VM).power_state() is power


def test_power_failures_are_power_control_errors() -> None:
    runner = ReplayingRunner(
        [
            Exchange(
                "START_VM", {"VMName": VM}, stderr="Start-VM : 'autopilot-01' failed to start."
            ),
            Exchange("STOP_VM_HARD", {"VMName": VM}, state_json(VM, "Stopping")),
            Exchange("START_VM", {"VMName": VM}, state_json(VM, "Off")),
            Exchange("VM_STATE", {"VMName": VM}, "{}"),
        ]
    )
    power = HyperVPower(runner, VM)
    with pytest.raises(PowerControlError, match="Start-VM on Hyper-V VM 'autopilot-01' failed"):
        power.power_on()
    with pytest.raises(PowerControlError, match=r"did not switch .* off \(state 'Stopping'\)"):
        power.power_off()
    with pytest.raises(PowerControlError, match="left Hyper-V VM 'autopilot-01' Off"):
        power.power_on()
    with pytest.raises(PowerControlError, match="unreadable answer"):
        power.power_state()


# --- configuration -------------------------------------------------------------------------


def test_create_local_target() -> None:
    target = create("all", {"vm": VM, "powershell": "pwsh"}, source="lab.yaml: target")
    assert target.name == VM and target.facts["hyperv_host"] == "local"
    assert target.keyboard.runner.executable == "pwsh"
    assert isinstance(create("power", {"vm": VM}, source="s"), HyperVPower)


def test_create_winrm_keyboard(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HV_PASSWORD", "s3cret-value")
    keyboard = create(
        "keyboard",
        {
            "vm": VM,
            "transport": "winrm",
            "host": "hv01.lab",
            "username": "LAB\\svc",
            "password_env": "HV_PASSWORD",
            "key_interval_s": 0.3,
        },
        source="lab.yaml: keyboard",
    )
    assert isinstance(keyboard, HyperVKeyboard) and keyboard.key_interval_s == 0.3
    runner = keyboard.runner
    assert isinstance(runner, RemotePowerShell)
    assert "s3cret-value" not in repr(runner.settings)
    arguments = runner.settings.wsman_arguments()
    assert arguments["port"] == 5986 and arguments["ssl"] is True
    assert arguments["password"] == "s3cret-value" and arguments["cert_validation"] is True


@pytest.mark.parametrize(
    ("settings", "key", "message"),
    [
        ({}, "vm", "required"),
        ({"vm": VM, "transport": "ssh"}, "transport", "expected one of local, winrm"),
        ({"vm": VM, "host": "hv01"}, "host", "only used with transport: winrm"),
        ({"vm": VM, "transport": "winrm"}, "password_env", "give password_env or password_file"),
        (
            {"vm": VM, "transport": "winrm", "host": "h", "password": "x"},
            "password",
            "a literal password is not accepted",
        ),
        (
            {"vm": VM, "transport": "winrm", "host": "h", "https": False, "auth": "basic"},
            "auth",
            "clear over HTTP",
        ),
        (
            {"vm": VM, "transport": "winrm", "host": "h", "auth": "certificate"},
            "certificate_pem",
            "needs certificate_pem and certificate_key_pem",
        ),
        (
            {"vm": VM, "transport": "winrm", "host": "h", "auth": "kerberos", "colour": 1},
            "colour",
            "unknown setting",
        ),
        (
            {"vm": VM, "transport": "winrm", "host": "h", "auth": "kerberos", "powershell": "pwsh"},
            "powershell",
            "only used with transport: local",
        ),
    ],
)
def test_configuration_errors(settings: dict, key: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        create("all", settings, source="lab.yaml: target")
    assert caught.value.key == key and caught.value.source == "lab.yaml: target"


def test_kerberos_may_use_the_ticket_cache() -> None:
    power = create(
        "power", {"vm": VM, "transport": "winrm", "host": "hv01", "auth": "kerberos"}, source="s"
    )
    assert power.runner.settings.wsman_arguments()["password"] is None


def test_lab_yaml_builds_a_hyperv_target(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.config.devices import build_target, load_lab_config

    monkeypatch.setenv("HYPERV_PASSWORD", "not-logged")
    lab = tmp_path / "lab.yaml"
    lab.write_text(
        """\
devices:
  vm-local:
    target: {backend: hyperv, vm: "autopilot-01", powershell: pwsh, black_limit_s: 20}
    expect: {result: red, codes: [0x800705b4]}
  vm-remote:
    target:
      backend: hyperv
      vm: "lab's VM"
      transport: winrm
      host: hv01.lab.example
      auth: ntlm
      username: LAB\\svc-autopilot
      password_env: HYPERV_PASSWORD
""",
        encoding="utf-8",
    )
    config = load_lab_config(lab)
    local = build_target(config.devices["vm-local"])
    assert isinstance(local.screen, HyperVScreen) and local.screen.black_limit_s == 20
    assert isinstance(local.power, HyperVPower) and local.keyboard.runner.executable == "pwsh"
    remote = build_target(config.devices["vm-remote"])
    assert remote.power.vm_name == "lab's VM"
    assert remote.keyboard.runner.settings.username == "LAB\\svc-autopilot"
    assert remote.keyboard.runner.settings.auth == "ntlm"
