"""The key-script language: parsing (valid and every error, with positions) and the runner."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from harness.errors import ConfigError, UsageError
from harness.keys import (
    Chord,
    Hold,
    Key,
    KeyScriptError,
    KeySink,
    Press,
    Wait,
    key,
    parse_duration,
    parse_script,
    press_sequence,
    run_script,
)

SHIFT = key("leftshift")
CTRL = key("leftctrl")
SUPER = key("leftsuper")


class RecordingKeyboard:
    """Records every call, and the sleeps in between, in one timeline."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    def press(self, key: Key, hold_s: float = 0.1) -> None:
        self.calls.append(("press", key.name, hold_s))

    def chord(self, keys: Sequence[Key], hold_s: float = 0.1) -> None:
        self.calls.append(("chord", tuple(k.name for k in keys), hold_s))

    def sleep(self, seconds: float) -> None:
        self.calls.append(("sleep", seconds))


def test_recording_keyboard_is_a_key_sink() -> None:
    assert isinstance(RecordingKeyboard(), KeySink)


def test_literal_text_and_shift() -> None:
    assert parse_script("aB!") == [
        Press(key("a")),
        Chord((SHIFT, key("b"))),
        Chord((SHIFT, key("1"))),
    ]


def test_packer_special_keys_case_insensitive() -> None:
    script = "<enter><RETURN><tab><esc><bs><del><spacebar><up><down><left><right><home><end>"
    script += "<pageUp><PAGEDOWN><f1><F12><leftSuper><rightSuper><leftCtrl><leftAlt><leftShift>"
    expected = "enter enter tab esc backspace delete space up down left right home end pageup"
    expected += " pagedown f1 f12 leftsuper rightsuper leftctrl leftalt leftshift"
    assert parse_script(script) == [Press(key(n)) for n in expected.split()]


def test_vocabulary_names_and_literal_brackets() -> None:
    assert parse_script("<win><pgdn><lt>x<gt>") == [
        Press(SUPER),
        Press(key("pagedown")),
        Chord((SHIFT, key("comma"))),
        Press(key("x")),
        Chord((SHIFT, key("dot"))),
    ]
    assert parse_script("a>b") == [Press(key("a")), Chord((SHIFT, key("dot"))), Press(key("b"))]


def test_newline_is_enter_and_crlf_is_one_enter() -> None:
    assert parse_script("a\r\n\t") == [Press(key("a")), Press(key("enter")), Press(key("tab"))]


def test_toggles() -> None:
    assert parse_script("<leftCtrlOn><leftShiftOn>d<leftShiftOff><leftCtrlOff>") == [
        Hold(CTRL, True),
        Hold(SHIFT, True),
        Press(key("d")),
        Hold(SHIFT, False),
        Hold(CTRL, False),
    ]
    assert parse_script("<RIGHTSUPERON><rightSuperOff>") == [
        Hold(key("rightsuper"), True),
        Hold(key("rightsuper"), False),
    ]


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ("<wait>", 1.0),
        ("<wait5>", 5.0),
        ("<wait10>", 10.0),
        ("<wait500ms>", 0.5),
        ("<wait1m20s>", 80.0),
        ("<wait1h>", 3600.0),
        ("<wait1.5s>", 1.5),
        ("<WAIT2s>", 2.0),
        ("<wait1h2m3s4ms>", 3723.004),
    ],
)
def test_waits(written: str, seconds: float) -> None:
    (action,) = parse_script(written)
    assert isinstance(action, Wait)
    assert action.seconds == pytest.approx(seconds)


def test_parse_duration_rejects_garbage() -> None:
    assert parse_duration("5x") is None
    assert parse_duration("ms") is None
    assert parse_duration("1m20") is None
    assert parse_duration("") is None


@pytest.mark.parametrize(
    ("script", "position", "message"),
    [
        ("hello <entr>", 7, r"unknown key <entr>; expected one of <enter>.*\(did you mean <enter>"),
        ("ab<enter", 3, r"unclosed '<'; expected a special key"),
        ("a<b<enter>", 2, r"unclosed '<'"),
        ("x<>", 2, r"empty <>; expected one of"),
        ("<wait5x>", 1, r"bad duration in <wait5x>; expected <wait>, <waitN>"),
        ("<wait1m20>", 1, r"bad duration"),
        ("abc<leftCtrlOff>", 4, r"<leftCtrlOff> without <leftCtrlOn> before it"),
        ("<leftAltOn>x<leftCtrlOff><leftAltOff>", 13, r"<leftCtrlOff> without <leftCtrlOn>"),
        ("ab<leftShiftOn>c", 3, r"<leftShiftOn> is never switched off; expected <leftShiftOff>"),
        ("<leftCtrlOn><leftCtrlOn>", 13, r"leftctrl is already on since position 1"),
        ("<enterOn>", 1, r"only modifiers can be switched on and off"),
        ("ok é", 4, r"character 'é' cannot be typed"),
    ],
)
def test_malformed_scripts(script: str, position: int, message: str) -> None:
    with pytest.raises(KeyScriptError, match=message) as caught:
        parse_script(script)
    assert caught.value.position == position
    assert str(caught.value).startswith(f"key script position {position}: ")


def test_key_script_error_is_a_config_error_with_source() -> None:
    with pytest.raises(ConfigError, match=r"^devices/vm\.yaml: key script position 1: "):
        parse_script("<nope>", source="devices/vm.yaml")


def test_runner_presses_with_pacing_and_waits() -> None:
    keyboard = RecordingKeyboard()
    run_script("<leftSuper><wait500ms>aB", keyboard, sleep=keyboard.sleep)
    assert keyboard.calls == [
        ("press", "leftsuper", 0.1),
        ("sleep", 0.15),
        ("sleep", 0.5),
        ("press", "a", 0.1),
        ("sleep", 0.15),
        ("chord", ("leftshift", "b"), 0.1),
        ("sleep", 0.15),
    ]


def test_runner_sends_keys_under_held_modifiers_as_chords() -> None:
    keyboard = RecordingKeyboard()
    run_script(
        "<leftCtrlOn><leftShiftOn>d<leftShiftOff>E<leftCtrlOff>x",
        keyboard,
        pacing_s=0.2,
        hold_s=0.05,
        sleep=keyboard.sleep,
    )
    assert keyboard.calls == [
        ("chord", ("leftctrl", "leftshift", "d"), 0.05),
        ("sleep", 0.2),
        ("chord", ("leftctrl", "leftshift", "e"), 0.05),  # shift of "E" merges with held ctrl
        ("sleep", 0.2),
        ("press", "x", 0.05),
        ("sleep", 0.2),
    ]


def test_runner_presses_a_modifier_toggled_with_nothing_in_between() -> None:
    keyboard = RecordingKeyboard()
    run_script(
        "<leftSuperOn><leftSuperOff><leftCtrlOn><leftAltOn><leftAltOff><leftCtrlOff>",
        keyboard,
        pacing_s=0,
        sleep=keyboard.sleep,
    )
    assert keyboard.calls == [
        ("press", "leftsuper", 0.1),
        ("chord", ("leftctrl", "leftalt"), 0.1),
    ]


def test_runner_accepts_parsed_actions() -> None:
    keyboard = RecordingKeyboard()
    run_script([Press(SUPER), Wait(2.0), Chord((CTRL, key("d")))], keyboard, sleep=keyboard.sleep)
    assert keyboard.calls == [
        ("press", "leftsuper", 0.1),
        ("sleep", 0.15),
        ("sleep", 2.0),
        ("chord", ("leftctrl", "d"), 0.1),
        ("sleep", 0.15),
    ]


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        ([Hold(CTRL, False)], r"key action 1: leftctrl is not on"),
        ([Hold(CTRL, True), Hold(CTRL, True)], r"key action 2: leftctrl is already on"),
        ([Hold(key("a"), True)], r"a is not a modifier"),
        ([Press(SUPER), Hold(SHIFT, True)], r"leave leftshift switched on"),
    ],
)
def test_runner_rejects_unbalanced_actions_before_sending(actions: list, message: str) -> None:
    keyboard = RecordingKeyboard()
    with pytest.raises(UsageError, match=message):
        run_script(actions, keyboard, sleep=keyboard.sleep)
    assert keyboard.calls == []


def test_runner_rejects_bad_script_before_sending() -> None:
    keyboard = RecordingKeyboard()
    with pytest.raises(KeyScriptError):
        run_script("abc<oops>", keyboard, sleep=keyboard.sleep)
    assert keyboard.calls == []


def test_press_sequence() -> None:
    keyboard = RecordingKeyboard()
    press_sequence(keyboard, [SUPER] * 3, pacing_s=0.3, hold_s=0.2, sleep=keyboard.sleep)
    assert keyboard.calls == [("press", "leftsuper", 0.2), ("sleep", 0.3)] * 3
