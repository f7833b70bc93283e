"""X keysym names (as Tk reports them in ``event.keysym``) -> the harness's keys.

Letters arrive upper-case while Shift is held (``D``) and Shift+Tab arrives as ``ISO_Left_Tab``;
both map back to the key that was pressed, because the device model wants keys, not characters.
"""

from __future__ import annotations

from harness.keys import Key, find_key

_KEYSYMS: dict[str, str] = {
    "Super_L": "leftsuper",
    "Super_R": "rightsuper",
    "Control_L": "leftctrl",
    "Control_R": "rightctrl",
    "Shift_L": "leftshift",
    "Shift_R": "rightshift",
    "Alt_L": "leftalt",
    "Alt_R": "rightalt",
    "Return": "enter",
    "KP_Enter": "enter",
    "Tab": "tab",
    "ISO_Left_Tab": "tab",
    "Escape": "esc",
    "BackSpace": "backspace",
    "space": "space",
    "Up": "up",
    "Down": "down",
    "Left": "left",
    "Right": "right",
    "Prior": "pageup",
    "Next": "pagedown",
    "Home": "home",
    "End": "end",
    "Insert": "insert",
    "Delete": "delete",
    "minus": "minus",
    "equal": "equal",
    "bracketleft": "leftbracket",
    "bracketright": "rightbracket",
    "backslash": "backslash",
    "semicolon": "semicolon",
    "apostrophe": "apostrophe",
    "grave": "grave",
    "comma": "comma",
    "period": "dot",
    "slash": "slash",
}


def key_for_keysym(keysym: str) -> Key | None:
    """The key behind an X keysym name, or None for one the device has no use for."""
    name = _KEYSYMS.get(keysym)
    if name is None and len(keysym) == 1 and keysym.isascii() and keysym.isalnum():
        name = keysym.lower()
    if name is None and keysym[:1] == "F" and keysym[1:].isdigit():
        name = keysym.lower()  # F1 .. F12
    return find_key(name) if name is not None else None
