"""The key table against the published codes of every backend (control-interfaces.md)."""

from __future__ import annotations

import string

import pytest

from harness.errors import ConfigError
from harness.keys import (
    UnknownKeyError,
    all_keys,
    char_to_keys,
    key,
    key_by_evdev,
    key_by_hid_usage,
    key_by_js_code,
    key_by_win32_vk,
    modifiers_from_hid_bits,
)

# Linux input-event-codes.h, as libvirt's LINUX codeset takes them.
EVDEV = {
    "leftsuper": 125,
    "enter": 28,
    "tab": 15,
    "space": 57,
    "esc": 1,
    "leftctrl": 29,
    "leftshift": 42,
    "d": 32,
    "f10": 68,
    "up": 103,
    "down": 108,
    "left": 105,
    "right": 106,
    "a": 30,
    "q": 16,
    "z": 44,
    "1": 2,
    "0": 11,
    "f1": 59,
    "f11": 87,
    "f12": 88,
    "backspace": 14,
    "delete": 111,
    "rightsuper": 126,
    "rightctrl": 97,
    "rightalt": 100,
    "leftalt": 56,
    "pageup": 104,
    "pagedown": 109,
    "minus": 12,
    "slash": 53,
}

WIN32_VK = {
    "leftsuper": 0x5B,
    "enter": 0x0D,
    "tab": 0x09,
    "space": 0x20,
    "esc": 0x1B,
    "f10": 0x79,
    "leftshift": 0x10,
    "leftctrl": 0x11,
    "d": 0x44,
    "a": 0x41,
    "0": 0x30,
    "9": 0x39,
    "f1": 0x70,
    "f12": 0x7B,
    "left": 0x25,
    "up": 0x26,
    "right": 0x27,
    "down": 0x28,
    "backspace": 0x08,
    "rightsuper": 0x5C,
}

HID_USAGE = {
    "a": 0x04,
    "z": 0x1D,
    "d": 0x07,
    "1": 0x1E,
    "0": 0x27,
    "enter": 0x28,
    "esc": 0x29,
    "tab": 0x2B,
    "space": 0x2C,
    "f1": 0x3A,
    "f10": 0x43,
    "f12": 0x45,
    "right": 0x4F,
    "left": 0x50,
    "down": 0x51,
    "up": 0x52,
}

HID_MODIFIER = {
    "leftctrl": 0x01,
    "leftshift": 0x02,
    "leftalt": 0x04,
    "leftsuper": 0x08,
    "rightctrl": 0x10,
    "rightshift": 0x20,
    "rightalt": 0x40,
    "rightsuper": 0x80,
}

JS_CODE = {
    "leftsuper": "MetaLeft",
    "enter": "Enter",
    "tab": "Tab",
    "space": "Space",
    "leftctrl": "ControlLeft",
    "leftshift": "ShiftLeft",
    "d": "KeyD",
    "f10": "F10",
    "esc": "Escape",
    "up": "ArrowUp",
    "7": "Digit7",
}


@pytest.mark.parametrize(("name", "code"), EVDEV.items())
def test_evdev_codes(name: str, code: int) -> None:
    assert key(name).evdev == code
    assert key_by_evdev(code) == key(name)


@pytest.mark.parametrize(("name", "code"), WIN32_VK.items())
def test_win32_virtual_key_codes(name: str, code: int) -> None:
    assert key(name).win32_vk == code
    assert key_by_win32_vk(code) == key(name)


@pytest.mark.parametrize(("name", "usage"), HID_USAGE.items())
def test_hid_usage_ids(name: str, usage: int) -> None:
    assert key(name).hid_usage == usage
    assert key(name).hid_modifier == 0
    assert key_by_hid_usage(usage) == key(name)


@pytest.mark.parametrize(("name", "bit"), HID_MODIFIER.items())
def test_hid_modifier_bits(name: str, bit: int) -> None:
    modifier = key(name)
    assert modifier.hid_modifier == bit
    assert modifier.hid_usage == 0
    assert modifier.is_modifier
    assert modifiers_from_hid_bits(bit) == (modifier,)


def test_modifier_byte_decodes_to_several_modifiers() -> None:
    assert modifiers_from_hid_bits(0x0B) == (key("leftctrl"), key("leftshift"), key("leftsuper"))
    assert modifiers_from_hid_bits(0) == ()


@pytest.mark.parametrize(("name", "code"), JS_CODE.items())
def test_javascript_codes(name: str, code: str) -> None:
    assert key(name).js_code == code
    assert key_by_js_code(code) == key(name)


def test_letters_are_contiguous_in_hid_and_vk() -> None:
    for index, letter in enumerate(string.ascii_lowercase):
        assert key(letter).hid_usage == 0x04 + index
        assert key(letter).win32_vk == ord(letter.upper())
        assert key(letter).js_code == f"Key{letter.upper()}"
        assert key(letter).pyautogui == letter


def test_vocabulary_has_every_required_key() -> None:
    required = {
        *string.ascii_lowercase,
        *string.digits,
        *(f"f{n}" for n in range(1, 13)),
        "enter",
        "tab",
        "space",
        "esc",
        "backspace",
        "delete",
        "insert",
        "home",
        "end",
        "up",
        "down",
        "left",
        "right",
        "pageup",
        "pagedown",
        "leftsuper",
        "rightsuper",
        "leftctrl",
        "rightctrl",
        "leftshift",
        "rightshift",
        "leftalt",
        "rightalt",
        "minus",
        "equal",
        "leftbracket",
        "rightbracket",
        "backslash",
        "semicolon",
        "apostrophe",
        "grave",
        "comma",
        "dot",
        "slash",
    }
    assert {k.name for k in all_keys()} == required


@pytest.mark.parametrize("field", ["name", "evdev", "win32_vk", "js_code", "pyautogui"])
def test_codes_are_unique_per_backend(field: str) -> None:
    values = [getattr(k, field) for k in all_keys()]
    assert len(values) == len(set(values))


def test_hid_codes_are_unique_and_either_usage_or_modifier() -> None:
    usages = [k.hid_usage for k in all_keys() if not k.is_modifier]
    bits = [k.hid_modifier for k in all_keys() if k.is_modifier]
    assert len(usages) == len(set(usages)) and 0 not in usages
    assert sorted(bits) == [1, 2, 4, 8, 16, 32, 64, 128]
    assert all((k.hid_usage == 0) == k.is_modifier for k in all_keys())


def test_unknown_codes_give_none() -> None:
    assert key_by_evdev(999) is None
    assert key_by_hid_usage(0) is None  # 0 means "no key" in a boot report
    assert key_by_win32_vk(0xFF) is None
    assert key_by_js_code("metaleft") is None  # exact case, as the browser sends it


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("win", "leftsuper"),
        ("Windows", "leftsuper"),
        ("super", "leftsuper"),
        ("META", "leftsuper"),
        ("ctrl", "leftctrl"),
        ("control", "leftctrl"),
        ("shift", "leftshift"),
        ("alt", "leftalt"),
        ("return", "enter"),
        ("Escape", "esc"),
        ("del", "delete"),
        ("pgup", "pageup"),
        ("PgDn", "pagedown"),
        ("Page_Up", "pageup"),
        ("ret", "enter"),
        ("spc", "space"),
        ("F10", "f10"),
        ("KeyD", "d"),
        ("ArrowLeft", "left"),
        ("-", "minus"),
    ],
)
def test_aliases_and_case(alias: str, name: str) -> None:
    assert key(alias).name == name


def test_unknown_name_suggests_close_matches() -> None:
    with pytest.raises(UnknownKeyError, match=r"unknown key 'entr'; did you mean 'enter'\?"):
        key("entr")
    with pytest.raises(ConfigError, match="known keys: a, b, c"):
        key("xyzzy-42")


@pytest.mark.parametrize(
    ("ch", "name", "shift"),
    [
        ("d", "d", False),
        ("D", "d", True),
        ("7", "7", False),
        ("!", "1", True),
        (")", "0", True),
        (" ", "space", False),
        ("\n", "enter", False),
        ("\t", "tab", False),
        ("-", "minus", False),
        ("_", "minus", True),
        ("@", "2", True),
        ("?", "slash", True),
        ("~", "grave", True),
        ('"', "apostrophe", True),
        ("<", "comma", True),
    ],
)
def test_char_to_keys_us_layout(ch: str, name: str, shift: bool) -> None:
    assert char_to_keys(ch) == (key(name), shift)


def test_every_printable_ascii_character_is_typeable() -> None:
    for ch in string.printable.replace("\r", "").replace("\x0b", "").replace("\x0c", ""):
        typed, _ = char_to_keys(ch)
        assert typed in all_keys()


def test_untypeable_character_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="'é' cannot be typed on a US keyboard layout"):
        char_to_keys("é")
