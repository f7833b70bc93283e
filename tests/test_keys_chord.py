"""Chords: parsing ``ctrl+shift+d`` / ``ctrl-shift-d`` and writing openQA names."""

from __future__ import annotations

import pytest

from harness.keys import UnknownKeyError, chord_name, key, parse_chord


def names(text: str) -> list[str]:
    return [k.name for k in parse_chord(text)]


def test_plus_and_openqa_dash_spellings() -> None:
    assert names("ctrl+shift+d") == ["leftctrl", "leftshift", "d"]
    assert names("ctrl-shift-d") == ["leftctrl", "leftshift", "d"]
    assert names(" Ctrl + Alt + Del ") == ["leftctrl", "leftalt", "delete"]


def test_single_keys_and_minus() -> None:
    assert names("super") == ["leftsuper"]
    assert names("ret") == ["enter"]
    assert names("-") == ["minus"]
    assert names("ctrl+-") == ["leftctrl", "minus"]
    assert names("ctrl-minus") == ["leftctrl", "minus"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ctrl+entr", r"chord 'ctrl\+entr': unknown key 'entr'; did you mean 'enter'"),
        ("ctrl+", r"key 2 is empty"),
        ("", r"key 1 is empty"),
        ("ctrl+ctrl", r"'leftctrl' twice"),
    ],
)
def test_bad_chords(text: str, message: str) -> None:
    with pytest.raises(UnknownKeyError, match=message):
        parse_chord(text)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["leftsuper"], "super"),
        (["enter"], "ret"),
        (["leftctrl", "leftshift", "d"], "ctrl-shift-d"),
        (["esc"], "esc"),
        (["tab"], "tab"),
        (["space"], "spc"),
        (["f10"], "f10"),
        (["pageup"], "pgup"),
        (["pagedown"], "pgdn"),
        (["rightctrl", "leftalt", "delete"], "ctrl-alt-delete"),
        (["minus"], "minus"),
        (["slash"], "/"),
    ],
)
def test_openqa_names(keys: list[str], expected: str) -> None:
    chord = tuple(key(k) for k in keys)
    assert chord_name(chord) == expected


def test_openqa_names_parse_back() -> None:
    for text in ["super", "ret", "ctrl-shift-d", "esc", "tab", "spc", "f10", "pgup", "minus"]:
        assert chord_name(parse_chord(text)) == text


def test_empty_chord_has_no_name() -> None:
    with pytest.raises(UnknownKeyError):
        chord_name(())
