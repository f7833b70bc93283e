"""The simulated device's window without a display: X keysyms to keys, keys to device presses,
and the ``harness sim window`` command line."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

import pytest

from harness.cli.main import EXIT_USAGE, main
from harness.cli.sim_window_command import parse_position
from harness.errors import ConfigError
from harness.keys import Key
from harness.sim.window import SimWindow
from harness.sim.window_keys import key_for_keysym
from harness.targets.protocols import DEFAULT_HOLD_S
from harness.targets.target import Target


@pytest.mark.parametrize(
    ("keysym", "name"),
    [
        ("Super_L", "leftsuper"),
        ("Return", "enter"),
        ("KP_Enter", "enter"),
        ("Tab", "tab"),
        ("ISO_Left_Tab", "tab"),  # Shift+Tab as X reports it
        ("Down", "down"),
        ("Escape", "esc"),
        ("Control_L", "leftctrl"),
        ("Shift_L", "leftshift"),
        ("d", "d"),
        ("D", "d"),  # Shift held
        ("7", "7"),
        ("F10", "f10"),
        ("Prior", "pageup"),
        ("period", "dot"),
    ],
)
def test_keysyms_map_to_keys(keysym: str, name: str) -> None:
    found = key_for_keysym(keysym)
    assert found is not None and found.name == name


@pytest.mark.parametrize("keysym", ["XF86AudioMute", "Caps_Lock", "Fx", "é", ""])
def test_keysyms_the_device_has_no_use_for_are_none(keysym: str) -> None:
    assert key_for_keysym(keysym) is None


class RecordingKeyboard:
    def __init__(self) -> None:
        self.presses: list[tuple[str, ...]] = []

    def press(self, key: Key, hold_s: float = DEFAULT_HOLD_S) -> None:
        self.presses.append((key.name,))

    def chord(self, keys: Sequence[Key], hold_s: float = DEFAULT_HOLD_S) -> None:
        self.presses.append(tuple(k.name for k in keys))


class NoScreen:
    def grab(self):  # pragma: no cover - the handlers under test never grab
        raise AssertionError("not used")


def _window() -> tuple[SimWindow, RecordingKeyboard]:
    keyboard = RecordingKeyboard()
    return SimWindow(Target("sim", screen=NoScreen(), keyboard=keyboard)), keyboard


def _type(window: SimWindow, *events: str) -> None:
    for event in events:
        kind, keysym = event[0], event[1:]
        handler = window._key_down if kind == "+" else window._key_up
        handler(SimpleNamespace(keysym=keysym))


def test_windows_key_alone_is_a_press_on_release() -> None:
    window, keyboard = _window()
    _type(window, "+Super_L")
    assert keyboard.presses == []
    _type(window, "-Super_L")
    assert keyboard.presses == [("leftsuper",)]


def test_ctrl_shift_d_is_one_chord_even_as_upper_case_d() -> None:
    window, keyboard = _window()
    _type(window, "+Control_L", "+Shift_L", "+D", "-D", "-Shift_L", "-Control_L")
    assert keyboard.presses == [("leftctrl", "leftshift", "d")]


def test_shift_tab_is_a_chord_and_unknown_keys_are_ignored() -> None:
    window, keyboard = _window()
    _type(window, "+Caps_Lock", "-Caps_Lock", "+Shift_L", "+ISO_Left_Tab", "-ISO_Left_Tab")
    _type(window, "-Shift_L", "+Return", "-Return")
    assert keyboard.presses == [("leftshift", "tab"), ("enter",)]


def test_position_is_parsed_or_named_in_the_error() -> None:
    assert parse_position("100,60") == (100, 60)
    with pytest.raises(ConfigError) as caught:
        parse_position("100x60")
    assert caught.value.key == "--position"


def test_window_command_without_a_display_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    assert main(["sim", "window"]) == EXIT_USAGE
    assert "set DISPLAY" in capsys.readouterr().err


def test_window_command_rejects_an_unknown_scenario(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISPLAY", ":999")  # never opened: the scenario is checked first
    assert main(["sim", "window", "--scenario", "no-such-thing"]) == EXIT_USAGE
    assert "--scenario" in capsys.readouterr().err


def test_window_command_on_an_unreachable_display_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISPLAY", ":999")  # no X server listens there
    assert main(["sim", "window", "--size", "640x480"]) == EXIT_USAGE
    assert "cannot open a window on display ':999'" in capsys.readouterr().err


class FakeRoot:
    def __init__(self) -> None:
        self.destroyed = False
        self.scheduled: list[object] = []

    def destroy(self) -> None:
        self.destroyed = True

    def after(self, delay_ms: int, callback: object) -> None:
        self.scheduled.append(callback)


def test_ctrl_c_closes_the_window_at_its_next_refresh_not_inside_a_tk_callback() -> None:
    """A KeyboardInterrupt raised inside a Tk callback (while a picture was being made) was only
    printed as a traceback; the SIGINT handler asks, and the next refresh closes the window."""
    window, _keyboard = _window()  # its screen raises if grabbed: the refresh must not grab
    root = FakeRoot()
    window._stop_asked(2, None)
    window._refresh(root, picture=None)  # type: ignore[arg-type]
    assert root.destroyed and root.scheduled == []
