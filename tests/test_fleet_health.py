# ruff: noqa: F811 - the peer's fixtures are imported, then requested by name
"""The pre-run health check: the simulated device, real keyboard peers (CH9329 emulator on a
pty, the PiKVM peer), and doubles for a black screen, a dead keyboard and an unreadable power."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from harness.errors import ConnectionLost, NoFrame
from harness.fleet.health import check_health
from harness.sim.model import ManualClock
from harness.sim.peers.ch9329_emulator import Ch9329Emulator
from harness.sim.peers.pikvm_server import PiKvmServer
from harness.targets import ch9329, pikvm
from harness.targets.frame import Frame
from harness.targets.protocols import KeyboardProbe, PowerState
from harness.targets.sim import make_sim_target
from harness.targets.target import Target
from tests.rig_doubles import RecordingKeyboard, RecordingPower, SolidColourScreen
from tests.rig_pikvm_peer import (  # noqa: F401 - fixtures
    device_keyboard,
    device_power,
    make_server,
    pikvm_settings,
    server,
)

pytestmark = [
    pytest.mark.fleet,
    pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning"),
]
WINDOWS_BLUE = (140, 70, 0)


class StatedPower(RecordingPower):
    def power_state(self) -> PowerState:
        return PowerState.ON if self.on else PowerState.OFF


class BrokenPower(StatedPower):
    """A BMC that stopped answering, or one that answers 'unknown'."""

    def __init__(self, answer: PowerState | None) -> None:
        super().__init__(on=True)
        self.answer = answer

    def power_state(self) -> PowerState:
        if self.answer is None:
            raise ConnectionLost("Redfish https://bmc-07.lab: connection refused")
        return self.answer


class StatelessPower(StatedPower):
    can_read_state = False


class DeadKeyboard(RecordingKeyboard):
    def probe(self) -> KeyboardProbe:
        return KeyboardProbe(False, "CH9329 on /dev/ttyUSB0 does not answer GET_INFO")


class NoSignalScreen:
    def grab(self) -> Frame:
        raise NoFrame("capture /dev/video0: no frame within 5 s")


def _target(screen=None, keyboard=None, power=None) -> Target:  # type: ignore[no-untyped-def]
    return Target(
        name="rig-double",
        screen=screen or SolidColourScreen(WINDOWS_BLUE),
        keyboard=keyboard or DeadKeyboard(),
        power=power,
    )


def test_the_simulated_device_is_healthy_off_and_on() -> None:
    clock = ManualClock()
    target = make_sim_target("success", size=(640, 400), clock=clock)
    off = check_health(target)
    assert off.ok, off.reason
    assert off.checks[0].detail == "power is off"
    target.power.power_on()  # type: ignore[union-attr]
    clock.advance(120)
    on = check_health(target)
    assert on.ok, on.reason
    assert [check.name for check in on.checks] == ["power", "screen", "keyboard"]
    assert on.checks[0].detail == "power is on"
    assert "a picture" in on.checks[1].detail
    assert on.checks[2].detail == "simulated keyboard (in process)"


def test_a_black_frame_while_power_is_on_fails_the_screen() -> None:
    black = SolidColourScreen((0, 0, 0))
    report = check_health(_target(black, RecordingKeyboard(), StatedPower(on=True)))
    assert not report.ok
    assert report.reason == "screen: black 160x120 frame from test while power is on"
    assert check_health(_target(black, RecordingKeyboard(), StatedPower(on=False))).ok


def test_a_screen_with_no_frame_fails() -> None:
    report = check_health(_target(NoSignalScreen(), RecordingKeyboard(), StatedPower(on=True)))
    assert report.reason == "screen: no frame: NoFrame: capture /dev/video0: no frame within 5 s"


def test_a_dead_keyboard_fails_and_one_that_cannot_tell_passes() -> None:
    dead = check_health(_target(keyboard=DeadKeyboard(), power=StatedPower(on=True)))
    assert dead.reason == "keyboard: CH9329 on /dev/ttyUSB0 does not answer GET_INFO"
    silent = check_health(_target(keyboard=RecordingKeyboard(), power=StatedPower(on=True)))
    assert silent.ok
    assert silent.checks[2].detail == (
        "cannot tell (RecordingKeyboard cannot be asked whether it answers)"
    )


@pytest.mark.parametrize(
    ("power", "reason"),
    [
        (
            BrokenPower(None),
            "power: cannot read the state: ConnectionLost: Redfish https://bmc-07.lab: "
            "connection refused",
        ),
        (BrokenPower(PowerState.UNKNOWN), "power: the power backend answered 'unknown'"),
    ],
)
def test_unreadable_power_fails(power: BrokenPower, reason: str) -> None:
    report = check_health(_target(keyboard=RecordingKeyboard(), power=power))
    assert report.reason == reason


def test_power_that_cannot_read_by_design_passes_and_never_demands_a_picture() -> None:
    black = SolidColourScreen((0, 0, 0))
    report = check_health(_target(black, RecordingKeyboard(), StatelessPower(on=True)))
    assert report.ok, report.reason
    assert report.checks[0].detail == "the power backend cannot read a state (by configuration)"


def test_every_failed_check_is_named() -> None:
    report = check_health(_target(NoSignalScreen(), DeadKeyboard(), BrokenPower(None)))
    assert [check.name for check in report.failed] == ["power", "screen", "keyboard"]


# -- real keyboard peers ----------------------------------------------------------------------


def _ch9329_emulator(**options: object) -> Iterator[Ch9329Emulator]:
    emulator = Ch9329Emulator(RecordingKeyboard(), **options).start()  # type: ignore[arg-type]
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.mark.parametrize(
    ("options", "answers", "detail"),
    [
        ({}, True, r"CH9329 1\.\d on .*, USB side connected"),
        ({"usb_connected": False}, False, "USB side is NOT connected"),
        ({"mute": True}, False, "does not answer GET_INFO"),
    ],
)
def test_the_ch9329_probe_asks_get_info(options: dict, answers: bool, detail: str) -> None:
    for emulator in _ch9329_emulator(**options):
        settings = {"port": emulator.port, "ack_timeout_s": 0.05, "retries": 0}
        keyboard = ch9329.create("keyboard", settings, source="lab.yaml: keyboard")
        try:
            started = time.monotonic()
            probe = keyboard.probe()
            assert time.monotonic() - started < 5
        finally:
            keyboard.close()
        assert probe.answers is answers
        assert re.search(detail, probe.detail), probe
        if answers:
            assert emulator.keyboard.received == [], "a probe types nothing"  # type: ignore[attr-defined]


def test_the_pikvm_probe_reads_the_hid_state(
    server: PiKvmServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyboard = pikvm.create("keyboard", pikvm_settings(server, monkeypatch), source="t")
    assert keyboard.probe() == KeyboardProbe(
        True, f"PiKVM {keyboard.client.label}: HID and keyboard online"
    )
    server.hid_keyboard_online = False
    probe = keyboard.probe()
    assert probe.answers is False and "the keyboard is offline" in probe.detail
    assert [path for method, path, _ in server.requests if method == "GET"] == ["/api/hid"] * 2
    keyboard.client.close()


def test_an_unreachable_pikvm_fails_the_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_PIKVM_PASSWORD", "x")
    settings = {"url": "https://127.0.0.1:9", "password_env": "TEST_PIKVM_PASSWORD"}
    settings |= {"verify_tls": False, "timeout_s": 2}
    keyboard = pikvm.create("keyboard", settings, source="t")
    probe = keyboard.probe()
    assert probe.answers is False
    keyboard.client.close()
