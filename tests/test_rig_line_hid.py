"""line_hid keyboard: a real helper process speaking the line protocol, forwarding to a device."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest

from harness.errors import ConfigError, ConnectionLost, KeyNotAccepted
from harness.keys.vocabulary import key
from harness.sim.peers.line_helper import KeyLineServer
from harness.targets import line_hid
from harness.targets.line_hid import LineHidKeyboard
from tests.rig_doubles import RecordingKeyboard

HELPER = [sys.executable, "-m", "harness.sim.peers.line_helper"]


@pytest.fixture
def device() -> RecordingKeyboard:
    return RecordingKeyboard()


@pytest.fixture
def key_lines(device: RecordingKeyboard) -> Iterator[KeyLineServer]:
    server = KeyLineServer(device).start()
    try:
        yield server
    finally:
        server.stop()


def _keyboard(*extra: str, timeout: float = 10.0) -> LineHidKeyboard:
    return line_hid.create(
        "keyboard", {"command": [*HELPER, *extra], "answer_timeout_s": timeout}, source="t"
    )


def test_keys_go_through_the_helper_in_openqa_spelling(
    key_lines: KeyLineServer, device: RecordingKeyboard
) -> None:
    keyboard = _keyboard("--connect", key_lines.address)
    try:
        keyboard.press(key("leftsuper"))
        keyboard.press(key("enter"))
        keyboard.chord([key("leftctrl"), key("leftshift"), key("d")])
        pid = keyboard.pid
    finally:
        keyboard.close()
    assert keyboard.lines_sent == ["super", "ret", "ctrl-shift-d"]
    assert key_lines.lines == ["super", "ret", "ctrl-shift-d"]
    assert device.received == [("leftsuper",), ("enter",), ("leftctrl", "leftshift", "d")]
    assert pid is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # stopped (and reaped) on close


def test_an_answer_other_than_ok_is_key_not_accepted() -> None:
    keyboard = _keyboard("--answer-wrong-after", "1")
    try:
        keyboard.press(key("tab"))
        with pytest.raises(KeyNotAccepted, match="answered 'busy' to 'tab'"):
            keyboard.press(key("tab"))
    finally:
        keyboard.close()


def test_a_silent_helper_times_out() -> None:
    keyboard = _keyboard("--silent-after", "0", timeout=0.5)
    try:
        with pytest.raises(KeyNotAccepted, match=r"no answer to 'ret' within 0.5 s"):
            keyboard.press(key("enter"))
    finally:
        keyboard.close()


def test_a_helper_that_dies_is_connection_lost_with_its_stderr() -> None:
    keyboard = _keyboard("--exit-after", "1")
    try:
        keyboard.press(key("f10"))
        with pytest.raises(ConnectionLost, match=r"exited with code 3.*exiting after 1 lines"):
            keyboard.press(key("f10"))
    finally:
        keyboard.close()


def test_a_missing_program_is_connection_lost() -> None:
    keyboard = line_hid.create("keyboard", {"command": ["/nonexistent/hid-helper"]}, source="t")
    with pytest.raises(ConnectionLost, match="cannot start /nonexistent/hid-helper"):
        keyboard.press(key("enter"))


@pytest.mark.parametrize(
    ("settings", "bad_key"),
    [({}, "command"), ({"command": "helper --x"}, "command"), ({"command": ["h"], "x": 1}, "x")],
)
def test_bad_settings(settings: dict[str, object], bad_key: str) -> None:
    with pytest.raises(ConfigError) as raised:
        line_hid.create("keyboard", settings, source="t")
    assert raised.value.key == bad_key
