"""PiKVM backend against a loopback server speaking the documented kvmd API (no PiKVM hardware)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from harness.errors import ConfigError, ConnectionLost, KeyNotAccepted, NoFrame
from harness.keys.vocabulary import key
from harness.sim.peers.pikvm_server import PiKvmServer
from harness.targets import pikvm
from harness.targets.protocols import GracefulPower, PowerState
from harness.targets.target import Target
from tests.rig_doubles import RecordingKeyboard, RecordingPower, SolidColourScreen

PASSWORD = "s3cret-kvm"


@pytest.fixture
def device_keyboard() -> RecordingKeyboard:
    return RecordingKeyboard()


@pytest.fixture
def device_power() -> RecordingPower:
    return RecordingPower(on=True)


@pytest.fixture
def server(
    device_keyboard: RecordingKeyboard, device_power: RecordingPower
) -> Iterator[PiKvmServer]:
    server = PiKvmServer(
        SolidColourScreen((0, 255, 0)),
        device_keyboard,
        device_power,
        user="admin",
        password=PASSWORD,
    ).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def settings(server: PiKvmServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    monkeypatch.setenv("TEST_PIKVM_PASSWORD", PASSWORD)
    return {"url": server.url, "password_env": "TEST_PIKVM_PASSWORD", "power_poll_s": 0.01}


def test_press_sends_key_down_then_up(
    server: PiKvmServer, settings: dict[str, object], device_keyboard: RecordingKeyboard
) -> None:
    keyboard = pikvm.create("keyboard", settings, source="t")
    keyboard.press(key("leftsuper"), hold_s=0.0)
    assert server.requests == [
        ("POST", "/api/hid/events/send_key", {"key": "MetaLeft", "state": "true"}),
        ("POST", "/api/hid/events/send_key", {"key": "MetaLeft", "state": "false"}),
    ]
    assert device_keyboard.received == [("leftsuper",)]


def test_chord_is_one_shortcut(
    server: PiKvmServer, settings: dict[str, object], device_keyboard: RecordingKeyboard
) -> None:
    keyboard = pikvm.create("keyboard", settings, source="t")
    keyboard.chord([key("leftctrl"), key("leftshift"), key("d")])
    assert server.requests == [
        ("POST", "/api/hid/events/send_shortcut", {"keys": "ControlLeft,ShiftLeft,KeyD"}),
    ]
    assert device_keyboard.received == [("leftctrl", "leftshift", "d")]


def test_wrong_password_is_refused_with_a_clear_message(
    server: PiKvmServer, settings: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_PIKVM_PASSWORD", "wrong")
    keyboard = pikvm.create("keyboard", settings, source="t")
    with pytest.raises(KeyNotAccepted, match="HTTP 401 authentication refused") as raised:
        keyboard.press(key("enter"))
    assert "wrong" not in str(raised.value)


def test_snapshot_is_a_frame_and_no_signal_is_no_frame(
    server: PiKvmServer, settings: dict[str, object], device_power: RecordingPower
) -> None:
    screen = pikvm.create("screen", settings, source="t")
    frame = screen.grab()
    assert frame.image.shape == (120, 160, 3)
    assert frame.image[60, 80, 1] > 240 and frame.image[60, 80, 2] < 20
    device_power.on = False
    with pytest.raises(NoFrame, match="no signal"):
        screen.grab()


def test_atx_power_follows_the_power_led(
    server: PiKvmServer, settings: dict[str, object], device_power: RecordingPower
) -> None:
    power = pikvm.create("power", settings, source="t")
    assert isinstance(power, GracefulPower)
    assert power.power_state() == PowerState.ON
    power.power_off()
    assert power.power_state() == PowerState.OFF
    power.power_on()
    power.shutdown()
    assert device_power.actions == ["off", "on", "shutdown"]
    posted = [query["action"] for method, path, query in server.requests if method == "POST"]
    assert posted == ["off_hard", "on", "off"]


def test_all_role_builds_a_target(settings: dict[str, object]) -> None:
    target = pikvm.create("all", settings, source="lab.yaml: target")
    assert isinstance(target, Target)
    assert target.power_state() == PowerState.ON


def test_unreachable_pikvm_is_connection_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_PIKVM_PASSWORD", PASSWORD)
    settings = {"url": "http://127.0.0.1:9", "password_env": "TEST_PIKVM_PASSWORD"}
    with pytest.raises(ConnectionLost, match=r"127\.0\.0\.1:9"):
        pikvm.create("keyboard", settings, source="t").press(key("enter"))


def test_literal_password_is_refused() -> None:
    with pytest.raises(ConfigError, match="literal password") as raised:
        pikvm.create("power", {"url": "https://kvm", "password": "x"}, source="lab.yaml")
    assert raised.value.key == "password"


def test_https_verification_is_on_unless_turned_off(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("TEST_PIKVM_PASSWORD", PASSWORD)
    base = {"url": "https://127.0.0.1:1", "password_env": "TEST_PIKVM_PASSWORD"}
    verified = pikvm.create("power", base, source="t")
    assert verified.client._tls is not None and verified.client._tls.check_hostname
    with caplog.at_level(logging.WARNING):
        unverified = pikvm.create("power", {**base, "verify_tls": False}, source="t")
    assert not unverified.client._tls.check_hostname
    assert "verification is OFF" in caplog.text
    with pytest.raises(ConfigError, match="no such file") as raised:
        pikvm.create("power", {**base, "ca_file": "/nonexistent/ca.pem"}, source="t")
    assert raised.value.key == "ca_file"
