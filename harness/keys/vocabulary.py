"""The key vocabulary: every key the harness can press, with each backend's code for it.

One table, checked by ``tests/test_keys_vocabulary.py`` against the published values:

- ``evdev``: Linux ``KEY_*`` codes (``linux/input-event-codes.h``), libvirt's LINUX codeset.
- ``win32_vk``: Win32 virtual-key codes, as Hyper-V's ``Msvm_Keyboard`` takes them. The left
  modifiers use the generic codes (VK_SHIFT 0x10, VK_CONTROL 0x11, VK_MENU 0x12) that Hyper-V
  scripts use and that map to the left keys' scan codes; the right ones use VK_RSHIFT 0xA1,
  VK_RCONTROL 0xA3, VK_RMENU 0xA5.
- ``hid_usage`` / ``hid_modifier``: USB HID keyboard-page usage ids and boot-report modifier bits.
- ``js_code``: JavaScript ``KeyboardEvent.code`` names (PiKVM).
- ``pyautogui``: pyautogui key names.

Stdlib only: the stand-in guest imports this module.
"""

from __future__ import annotations

import difflib
import string
from types import MappingProxyType

from harness.errors import ConfigError
from harness.keys.key import Key


class UnknownKeyError(ConfigError):
    """A key name or a character that the vocabulary does not know."""


def _letters() -> list[Key]:
    keys = []
    # evdev letter codes follow the QWERTY rows, not the alphabet.
    evdev_by_letter = dict(zip("qwertyuiop", range(16, 26), strict=True))
    evdev_by_letter |= dict(zip("asdfghjkl", range(30, 39), strict=True))
    evdev_by_letter |= dict(zip("zxcvbnm", range(44, 51), strict=True))
    for index, letter in enumerate(string.ascii_lowercase):
        keys.append(
            Key(
                name=letter,
                evdev=evdev_by_letter[letter],
                win32_vk=ord(letter.upper()),
                hid_usage=0x04 + index,
                hid_modifier=0,
                js_code=f"Key{letter.upper()}",
                pyautogui=letter,
            )
        )
    return keys


def _digits() -> list[Key]:
    keys = []
    for digit in "1234567890":
        position = "1234567890".index(digit)  # keyboard order: 1..9 then 0
        keys.append(
            Key(
                name=digit,
                evdev=2 + position,
                win32_vk=ord(digit),
                hid_usage=0x1E + position,
                hid_modifier=0,
                js_code=f"Digit{digit}",
                pyautogui=digit,
            )
        )
    return keys


def _function_keys() -> list[Key]:
    keys = []
    for number in range(1, 13):
        # KEY_F1..KEY_F10 are 59..68; KEY_F11, KEY_F12 come later (87, 88).
        evdev = 58 + number if number <= 10 else 76 + number
        keys.append(
            Key(
                name=f"f{number}",
                evdev=evdev,
                win32_vk=0x6F + number,
                hid_usage=0x39 + number,
                hid_modifier=0,
                js_code=f"F{number}",
                pyautogui=f"f{number}",
            )
        )
    return keys


# name, evdev, win32_vk, hid_usage, hid_modifier, js_code, pyautogui
_NAMED_KEYS: tuple[tuple[str, int, int, int, int, str, str], ...] = (
    ("enter", 28, 0x0D, 0x28, 0, "Enter", "enter"),
    ("esc", 1, 0x1B, 0x29, 0, "Escape", "esc"),
    ("backspace", 14, 0x08, 0x2A, 0, "Backspace", "backspace"),
    ("tab", 15, 0x09, 0x2B, 0, "Tab", "tab"),
    ("space", 57, 0x20, 0x2C, 0, "Space", "space"),
    ("insert", 110, 0x2D, 0x49, 0, "Insert", "insert"),
    ("delete", 111, 0x2E, 0x4C, 0, "Delete", "delete"),
    ("home", 102, 0x24, 0x4A, 0, "Home", "home"),
    ("end", 107, 0x23, 0x4D, 0, "End", "end"),
    ("pageup", 104, 0x21, 0x4B, 0, "PageUp", "pageup"),
    ("pagedown", 109, 0x22, 0x4E, 0, "PageDown", "pagedown"),
    ("right", 106, 0x27, 0x4F, 0, "ArrowRight", "right"),
    ("left", 105, 0x25, 0x50, 0, "ArrowLeft", "left"),
    ("down", 108, 0x28, 0x51, 0, "ArrowDown", "down"),
    ("up", 103, 0x26, 0x52, 0, "ArrowUp", "up"),
    # US punctuation (the keys, unshifted)
    ("minus", 12, 0xBD, 0x2D, 0, "Minus", "-"),
    ("equal", 13, 0xBB, 0x2E, 0, "Equal", "="),
    ("leftbracket", 26, 0xDB, 0x2F, 0, "BracketLeft", "["),
    ("rightbracket", 27, 0xDD, 0x30, 0, "BracketRight", "]"),
    ("backslash", 43, 0xDC, 0x31, 0, "Backslash", "\\"),
    ("semicolon", 39, 0xBA, 0x33, 0, "Semicolon", ";"),
    ("apostrophe", 40, 0xDE, 0x34, 0, "Quote", "'"),
    ("grave", 41, 0xC0, 0x35, 0, "Backquote", "`"),
    ("comma", 51, 0xBC, 0x36, 0, "Comma", ","),
    ("dot", 52, 0xBE, 0x37, 0, "Period", "."),
    ("slash", 53, 0xBF, 0x38, 0, "Slash", "/"),
    # Modifiers: no usage id in the key slots, a bit in the boot report's modifier byte.
    ("leftctrl", 29, 0x11, 0, 0x01, "ControlLeft", "ctrl"),
    ("leftshift", 42, 0x10, 0, 0x02, "ShiftLeft", "shift"),
    ("leftalt", 56, 0x12, 0, 0x04, "AltLeft", "alt"),
    ("leftsuper", 125, 0x5B, 0, 0x08, "MetaLeft", "win"),
    ("rightctrl", 97, 0xA3, 0, 0x10, "ControlRight", "ctrlright"),
    ("rightshift", 54, 0xA1, 0, 0x20, "ShiftRight", "shiftright"),
    ("rightalt", 100, 0xA5, 0, 0x40, "AltRight", "altright"),
    ("rightsuper", 126, 0x5C, 0, 0x80, "MetaRight", "winright"),
)

_ALL_KEYS: tuple[Key, ...] = (
    *_letters(),
    *_digits(),
    *(Key(*row) for row in _NAMED_KEYS),
    *_function_keys(),
)

_BY_NAME = MappingProxyType({k.name: k for k in _ALL_KEYS})

# Other spellings people (and other tools: openQA, Packer, pyautogui, PiKVM) use for a key.
# Keys are normalised like user input: lower case, without "_" and spaces.
_ALIASES: dict[str, str] = {
    "win": "leftsuper",
    "windows": "leftsuper",
    "super": "leftsuper",
    "meta": "leftsuper",
    "lwin": "leftsuper",
    "winleft": "leftsuper",
    "rwin": "rightsuper",
    "winright": "rightsuper",
    "ctrl": "leftctrl",
    "control": "leftctrl",
    "lctrl": "leftctrl",
    "ctrlleft": "leftctrl",
    "leftcontrol": "leftctrl",
    "rctrl": "rightctrl",
    "ctrlright": "rightctrl",
    "rightcontrol": "rightctrl",
    "shift": "leftshift",
    "lshift": "leftshift",
    "shiftleft": "leftshift",
    "rshift": "rightshift",
    "shiftright": "rightshift",
    "alt": "leftalt",
    "lalt": "leftalt",
    "altleft": "leftalt",
    "ralt": "rightalt",
    "altright": "rightalt",
    "altgr": "rightalt",
    "return": "enter",
    "ret": "enter",
    "escape": "esc",
    "del": "delete",
    "ins": "insert",
    "bs": "backspace",
    "spc": "space",
    "spacebar": "space",
    " ": "space",
    "pgup": "pageup",
    "pgdn": "pagedown",
    "pgdown": "pagedown",
    "uparrow": "up",
    "downarrow": "down",
    "leftarrow": "left",
    "rightarrow": "right",
    "-": "minus",
    "=": "equal",
    "[": "leftbracket",
    "]": "rightbracket",
    "leftbrace": "leftbracket",
    "rightbrace": "rightbracket",
    "\\": "backslash",
    ";": "semicolon",
    "'": "apostrophe",
    "quote": "apostrophe",
    "`": "grave",
    "backquote": "grave",
    ",": "comma",
    ".": "dot",
    "period": "dot",
    "/": "slash",
}
# Every JavaScript code name (``MetaLeft``, ``KeyD``, ``ArrowUp``) is accepted as well.
for _k in _ALL_KEYS:
    _ALIASES.setdefault(_k.js_code.lower(), _k.name)
del _k

_BY_EVDEV = MappingProxyType({k.evdev: k for k in _ALL_KEYS})
_BY_WIN32_VK = MappingProxyType({k.win32_vk: k for k in _ALL_KEYS})
_BY_HID_USAGE = MappingProxyType({k.hid_usage: k for k in _ALL_KEYS if k.hid_usage})
_BY_JS_CODE = MappingProxyType({k.js_code: k for k in _ALL_KEYS})

# US layout: the character a key types without and with shift.
_UNSHIFTED_CHARS = {
    **{c: c for c in string.ascii_lowercase + string.digits},
    " ": "space",
    "\n": "enter",
    "\t": "tab",
    "-": "minus",
    "=": "equal",
    "[": "leftbracket",
    "]": "rightbracket",
    "\\": "backslash",
    ";": "semicolon",
    "'": "apostrophe",
    "`": "grave",
    ",": "comma",
    ".": "dot",
    "/": "slash",
}
_SHIFTED_CHARS = {
    **{c.upper(): c for c in string.ascii_lowercase},
    **dict(zip("!@#$%^&*()", "1234567890", strict=True)),
    "_": "minus",
    "+": "equal",
    "{": "leftbracket",
    "}": "rightbracket",
    "|": "backslash",
    ":": "semicolon",
    '"': "apostrophe",
    "~": "grave",
    "<": "comma",
    ">": "dot",
    "?": "slash",
}


def normalize_key_name(name: str) -> str:
    """Lower case, without ``_`` and inner spaces: ``Page_Up`` -> ``pageup``. A lone space stays."""
    if name == " ":
        return name
    return name.strip().lower().replace("_", "").replace(" ", "")


def all_keys() -> tuple[Key, ...]:
    """Every key of the vocabulary, in a stable order (letters, digits, named keys, F-keys)."""
    return _ALL_KEYS


def key_names() -> tuple[str, ...]:
    """The canonical names, in the order of ``all_keys()``."""
    return tuple(k.name for k in _ALL_KEYS)


def alias_names() -> dict[str, str]:
    """Every accepted alias and the canonical name it stands for."""
    return dict(_ALIASES)


def find_key(name: str) -> Key | None:
    """The key called ``name`` (canonical name or alias, any case), or ``None``."""
    normalized = normalize_key_name(name)
    canonical = _ALIASES.get(normalized, normalized)
    return _BY_NAME.get(canonical)


def key(name: str) -> Key:
    """The key called ``name``: ``key("Enter")``, ``key("win")``, ``key("ctrl")``, ``key("F10")``.

    Raises ``UnknownKeyError`` (a ``ConfigError``) naming the close matches.
    """
    found = find_key(name)
    if found is None:
        raise UnknownKeyError(unknown_key_message(name), key="key")
    return found


def close_key_names(name: str) -> list[str]:
    """Up to three known names or aliases that look like ``name`` (for "did you mean")."""
    candidates = list(dict.fromkeys([*_BY_NAME, *(a for a in _ALIASES if len(a) > 1)]))
    return difflib.get_close_matches(normalize_key_name(name), candidates, n=3, cutoff=0.6)


def unknown_key_message(name: str) -> str:
    """``unknown key 'entr'; did you mean 'enter'?`` (or the list of known keys)."""
    close = close_key_names(name)
    if close:
        return f"unknown key {name!r}; did you mean " + " or ".join(map(repr, close)) + "?"
    return f"unknown key {name!r}; known keys: " + ", ".join(_BY_NAME)


def key_by_evdev(code: int) -> Key | None:
    """The key with Linux input code ``code`` (``KEY_*``), or ``None``."""
    return _BY_EVDEV.get(code)


def key_by_win32_vk(code: int) -> Key | None:
    """The key with Win32 virtual-key code ``code``, or ``None``."""
    return _BY_WIN32_VK.get(code)


def key_by_hid_usage(usage: int) -> Key | None:
    """The non-modifier key with HID usage id ``usage``, or ``None`` (0 is "no key")."""
    return _BY_HID_USAGE.get(usage)


def key_by_js_code(code: str) -> Key | None:
    """The key with JavaScript ``KeyboardEvent.code`` ``code`` (exact case), or ``None``."""
    return _BY_JS_CODE.get(code)


def modifiers_from_hid_bits(bits: int) -> tuple[Key, ...]:
    """The modifiers whose bits are set in a HID boot report's modifier byte, lowest bit first."""
    return tuple(k for k in _ALL_KEYS if k.hid_modifier and bits & k.hid_modifier)


def char_to_keys(ch: str) -> tuple[Key, bool]:
    """The key that types ``ch`` on a US layout and whether shift must be held.

    ``"d"`` -> (d, False); ``"D"`` -> (d, True); ``"!"`` -> (1, True); ``"\\n"`` -> (enter, False).
    """
    if ch in _UNSHIFTED_CHARS:
        return _BY_NAME[_UNSHIFTED_CHARS[ch]], False
    if ch in _SHIFTED_CHARS:
        return _BY_NAME[_SHIFTED_CHARS[ch]], True
    raise UnknownKeyError(
        f"character {ch!r} cannot be typed on a US keyboard layout "
        "(only printable ASCII, newline and tab)",
        key="text",
    )
