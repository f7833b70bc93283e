"""Chords: several keys pressed together, written ``ctrl+shift+d`` (or ``ctrl-shift-d``).

``chord_name`` writes a chord the way openQA's os-autoinst names keys in ``send_key`` and in the
line protocol of its general-hardware / video-stream backends (one combo per line on the
helper's stdin): key names joined by ``-``, with these spellings

    enter -> ret        space -> spc        esc -> esc          backspace -> backspace
    pageup -> pgup      pagedown -> pgdn    insert, delete, home, end, tab, up, down, left, right
    leftsuper, rightsuper -> super          leftctrl, rightctrl -> ctrl
    leftshift, rightshift -> shift          leftalt, rightalt -> alt
    minus -> minus      equal -> equal      other punctuation -> the character: [ ] \\ ; ' ` , . /
    letters, digits, f1..f12 -> themselves

openQA has no names for the right-hand modifiers: they are written as the left ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.keys.key import Key
from harness.keys.vocabulary import UnknownKeyError, find_key, unknown_key_message

_OPENQA_NAMES: dict[str, str] = {
    "enter": "ret",
    "space": "spc",
    "pageup": "pgup",
    "pagedown": "pgdn",
    "leftsuper": "super",
    "rightsuper": "super",
    "leftctrl": "ctrl",
    "rightctrl": "ctrl",
    "leftshift": "shift",
    "rightshift": "shift",
    "leftalt": "alt",
    "rightalt": "alt",
    "leftbracket": "[",
    "rightbracket": "]",
    "backslash": "\\",
    "semicolon": ";",
    "apostrophe": "'",
    "grave": "`",
    "comma": ",",
    "dot": ".",
    "slash": "/",
}


def parse_chord(text: str) -> tuple[Key, ...]:
    """``"ctrl+shift+d"`` or ``"ctrl-shift-d"`` -> (leftctrl, leftshift, d).

    ``+`` separates when present (so ``ctrl+-`` is ctrl and minus); otherwise ``-`` does, as in
    openQA (write the minus key ``minus`` there). A lone ``-`` is the minus key.
    Raises ``UnknownKeyError`` (a ``ConfigError``) naming the chord and the bad part.
    """
    stripped = text.strip()
    if stripped == "-":
        return (_resolve("minus", text),)
    separator = "+" if "+" in stripped else "-"
    tokens = stripped.split(separator)
    keys: list[Key] = []
    for index, token in enumerate(tokens, start=1):
        if not token.strip():
            raise UnknownKeyError(
                f"chord {text!r}: key {index} is empty; expected key names joined by "
                "'+' or '-' (e.g. ctrl+shift+d)",
                key="chord",
            )
        found = _resolve(token, text)
        if found in keys:
            raise UnknownKeyError(f"chord {text!r}: key {found.name!r} twice", key="chord")
        keys.append(found)
    return tuple(keys)


def _resolve(token: str, chord_text: str) -> Key:
    found = find_key(token)
    if found is None:
        raise UnknownKeyError(f"chord {chord_text!r}: {unknown_key_message(token)}", key="chord")
    return found


def openqa_key_name(one: Key) -> str:
    """The openQA spelling of one key (``enter`` -> ``ret``)."""
    return _OPENQA_NAMES.get(one.name, one.name)


def chord_name(keys: Sequence[Key]) -> str:
    """The openQA line-protocol spelling: (leftctrl, leftshift, d) -> ``ctrl-shift-d``."""
    if not keys:
        raise UnknownKeyError("an empty chord has no name", key="chord")
    return "-".join(openqa_key_name(k) for k in keys)
