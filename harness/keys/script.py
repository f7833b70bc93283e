"""Key scripts: a small language, modelled on Packer's ``boot_command``, to describe key input.

    <leftSuper><wait500ms><leftSuper>    two Windows-key presses half a second apart
    <leftCtrlOn><leftShiftOn>d<leftShiftOff><leftCtrlOff>   the chord ctrl+shift+d
    Contoso<enter><wait5>                literal text, then Enter, then a 5 s pause

- Literal text is typed character by character on a US layout; uppercase letters and shifted
  punctuation become shift chords; a newline is Enter, a tab is Tab.
- Special keys in angle brackets, case-insensitive, with Packer's spellings: ``<enter>``
  ``<return>`` ``<tab>`` ``<esc>`` ``<bs>`` ``<del>`` ``<insert>`` ``<spacebar>`` ``<up>``
  ``<down>`` ``<left>`` ``<right>`` ``<home>`` ``<end>`` ``<pageUp>`` ``<pageDown>`` ``<f1>``..
  ``<f12>`` ``<leftSuper>`` ``<rightSuper>`` ``<leftCtrl>`` ``<rightCtrl>`` ``<leftAlt>``
  ``<rightAlt>`` ``<leftShift>`` ``<rightShift>``; any name of the key vocabulary works too
  (``<win>``, ``<pgdn>``). Harness extras: ``<lt>`` and ``<gt>`` type ``<`` and ``>``.
- Toggles ``<leftCtrlOn>`` / ``<leftCtrlOff>`` for every modifier and Super: keys pressed while
  a modifier is on are sent as chords with it. A modifier switched on and off with no key in
  between is pressed on its own when switched off.
- Waits: ``<wait>`` (1 s), ``<wait5>`` (5 s), ``<wait500ms>``, ``<wait1m20s>``, ``<wait1.5s>``
  (Go duration syntax with the units h, m, s, ms).

A malformed script raises ``KeyScriptError`` naming the 1-based position and what was expected.
"""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from harness.errors import ConfigError, UsageError
from harness.keys.key import Key
from harness.keys.sink import KeySink
from harness.keys.vocabulary import UnknownKeyError, char_to_keys, find_key, key


class KeyScriptError(ConfigError):
    """A malformed key script. ``position`` is the 1-based character position of the problem."""

    def __init__(self, position: int, message: str, *, source: str | None = None) -> None:
        self.position = position
        super().__init__(f"key script position {position}: {message}", source=source)


@dataclass(frozen=True)
class Press:
    """Press and release one key."""

    key: Key


@dataclass(frozen=True)
class Chord:
    """Press keys together, in order; release in reverse order."""

    keys: tuple[Key, ...]


@dataclass(frozen=True)
class Wait:
    seconds: float


@dataclass(frozen=True)
class Hold:
    """Switch a modifier on (``down``) or off for the keys that follow."""

    key: Key
    down: bool


Action = Press | Chord | Wait | Hold

# Packer's special-key spellings (lower case) -> vocabulary names; shown in errors as written.
_PACKER_KEYS: dict[str, str] = {
    "bs": "backspace",
    "del": "delete",
    "enter": "enter",
    "esc": "esc",
    "return": "enter",
    "tab": "tab",
    "up": "up",
    "down": "down",
    "left": "left",
    "right": "right",
    "spacebar": "space",
    "insert": "insert",
    "home": "home",
    "end": "end",
    "pageup": "pageup",
    "pagedown": "pagedown",
    **{f"f{n}": f"f{n}" for n in range(1, 13)},
    "leftalt": "leftalt",
    "leftctrl": "leftctrl",
    "leftshift": "leftshift",
    "leftsuper": "leftsuper",
    "rightalt": "rightalt",
    "rightctrl": "rightctrl",
    "rightshift": "rightshift",
    "rightsuper": "rightsuper",
}
_MODIFIER_SPELLINGS = (
    "leftAlt",
    "leftCtrl",
    "leftShift",
    "leftSuper",
    "rightAlt",
    "rightCtrl",
    "rightShift",
    "rightSuper",
)
_DISPLAY: dict[str, str] = {
    **{name: name for name in _PACKER_KEYS},
    "pageup": "pageUp",
    "pagedown": "pageDown",
    **{m.lower(): m for m in _MODIFIER_SPELLINGS},
    **{f"{m.lower()}on": f"{m}On" for m in _MODIFIER_SPELLINGS},
    **{f"{m.lower()}off": f"{m}Off" for m in _MODIFIER_SPELLINGS},
    "wait": "wait",
    "lt": "lt",
    "gt": "gt",
}
_LITERAL_SPECIALS = {"lt": "<", "gt": ">"}
_EXPECTED = (
    "<enter> <return> <tab> <esc> <bs> <del> <insert> <spacebar> <up> <down> <left> <right> "
    "<home> <end> <pageUp> <pageDown> <f1>..<f12> <leftSuper> <rightSuper> <leftCtrl> "
    "<rightCtrl> <leftAlt> <rightAlt> <leftShift> <rightShift> <leftCtrlOn>/<leftCtrlOff> "
    "(any modifier) <wait> <wait5> <wait500ms> <wait1m20s> <lt> <gt>"
)

_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ms|h|m|s)")
_DURATION = re.compile(rf"(?:{_DURATION_PART.pattern})+")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def parse_duration(text: str) -> float | None:
    """Seconds of a Go-style duration (``1m20s``, ``500ms``, ``1.5s``) or a bare whole number of
    seconds (``5``), or ``None`` when ``text`` is neither."""
    if text.isdigit():
        return float(text)
    if not _DURATION.fullmatch(text):
        return None
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in _DURATION_PART.findall(text))


def text_actions(text: str) -> list[Action]:
    """Actions that type ``text`` literally (no ``<...>`` interpretation). Raises
    ``UnknownKeyError`` for a character a US keyboard cannot type."""
    actions: list[Action] = []
    for ch in text:
        if ch == "\r":
            continue  # "\r\n" is one Enter
        typed, needs_shift = char_to_keys(ch)
        actions.append(Chord((key("leftshift"), typed)) if needs_shift else Press(typed))
    return actions


def parse_script(text: str, *, source: str | None = None) -> list[Action]:
    """Parse a key script into actions. Raises ``KeyScriptError`` with the position on any fault.

    ``source`` (a file or configuration key) is prefixed to error messages.
    """
    actions: list[Action] = []
    held: dict[str, int] = {}  # modifier name -> position of its <...On>
    index = 0
    while index < len(text):
        ch = text[index]
        position = index + 1
        if ch != "<":
            try:
                actions.extend(text_actions(ch))
            except UnknownKeyError:
                raise KeyScriptError(
                    position,
                    f"character {ch!r} cannot be typed on a US keyboard layout; expected "
                    "printable ASCII, newline or tab",
                    source=source,
                ) from None
            index += 1
            continue
        close = text.find(">", index + 1)
        reopen = text.find("<", index + 1)
        if close == -1 or (reopen != -1 and reopen < close):
            raise KeyScriptError(
                position,
                "unclosed '<'; expected a special key such as <enter> closed by '>' "
                "(type a literal '<' as <lt>)",
                source=source,
            )
        name = text[index + 1 : close]
        actions.append(_special(name, position, held, source))
        index = close + 1
    if held:
        name, position = min(held.items(), key=lambda item: item[1])
        raise KeyScriptError(
            position,
            f"<{_display(name)}On> is never switched off; expected <{_display(name)}Off> "
            "before the end of the script",
            source=source,
        )
    return actions


def _special(name: str, position: int, held: dict[str, int], source: str | None) -> Action:
    lowered = name.strip().lower()
    if not lowered:
        raise KeyScriptError(position, f"empty <>; expected one of {_EXPECTED}", source=source)
    if lowered.startswith("wait"):
        seconds = parse_duration(lowered[4:]) if lowered != "wait" else 1.0
        if seconds is None:
            raise KeyScriptError(
                position,
                f"bad duration in <{name}>; expected <wait>, <waitN> (seconds) or a Go duration "
                "such as <wait500ms>, <wait1m20s>, <wait1.5s> (units h, m, s, ms)",
                source=source,
            )
        return Wait(seconds)
    if lowered in _LITERAL_SPECIALS:
        typed, _ = char_to_keys(_LITERAL_SPECIALS[lowered])
        return Chord((key("leftshift"), typed))
    for suffix, down in (("off", False), ("on", True)):
        if lowered.endswith(suffix) and _lookup(lowered[: -len(suffix)]) is not None:
            return _toggle(name, lowered[: -len(suffix)], down, position, held, source)
    found = _lookup(lowered)
    if found is None:
        raise KeyScriptError(
            position,
            f"unknown key <{name}>; expected one of {_EXPECTED}{_did_you_mean(lowered)}",
            source=source,
        )
    return Press(found)


def _toggle(
    written: str, base: str, down: bool, position: int, held: dict[str, int], source: str | None
) -> Hold:
    modifier = _lookup(base)
    assert modifier is not None
    if not modifier.is_modifier:
        raise KeyScriptError(
            position,
            f"<{written}>: only modifiers can be switched on and off; expected one of "
            + " ".join(f"<{m}On>" for m in _MODIFIER_SPELLINGS),
            source=source,
        )
    if down:
        if modifier.name in held:
            raise KeyScriptError(
                position,
                f"<{written}>: {modifier.name} is already on since position "
                f"{held[modifier.name]}; expected <{_display(modifier.name)}Off> first",
                source=source,
            )
        held[modifier.name] = position
    else:
        if modifier.name not in held:
            raise KeyScriptError(
                position,
                f"<{written}> without <{_display(modifier.name)}On> before it",
                source=source,
            )
        del held[modifier.name]
    return Hold(modifier, down)


def _lookup(lowered: str) -> Key | None:
    if lowered in _PACKER_KEYS:
        return key(_PACKER_KEYS[lowered])
    if not lowered:
        return None
    return find_key(lowered)


def _display(name: str) -> str:
    return _DISPLAY.get(name.lower(), name)


def _did_you_mean(lowered: str) -> str:
    close = difflib.get_close_matches(lowered, list(_DISPLAY), n=1, cutoff=0.6)
    return f" (did you mean <{_display(close[0])}>?)" if close else ""


def run_script(
    script: str | Iterable[Action],
    keyboard: KeySink,
    *,
    pacing_s: float = 0.15,
    hold_s: float = 0.1,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Send a key script (text or parsed actions) to any keyboard.

    Each key or chord is held ``hold_s`` and followed by a ``pacing_s`` pause (backends lose
    keys that come too fast). Keys pressed while modifiers are on go out as chords with them,
    which every backend supports. The whole script is checked before the first key is sent.
    """
    actions = parse_script(script) if isinstance(script, str) else list(script)
    _check_holds(actions)
    held: list[Key] = []
    used: set[str] = set()  # held modifiers that went out with at least one key

    def send(keys: Sequence[Key]) -> None:
        if len(keys) == 1:
            keyboard.press(keys[0], hold_s)
        else:
            keyboard.chord(tuple(keys), hold_s)
        used.update(k.name for k in held)
        if pacing_s > 0:
            sleep(pacing_s)

    for action in actions:
        if isinstance(action, Wait):
            sleep(action.seconds)
        elif isinstance(action, Press):
            send([*held, action.key] if action.key not in held else held)
        elif isinstance(action, Chord):
            send([*held, *(k for k in action.keys if k not in held)])
        elif action.down:
            held.append(action.key)
            used.discard(action.key.name)
        else:
            if action.key.name not in used:
                send(list(held))  # switched on and off with nothing in between: press it
            held.remove(action.key)


def _check_holds(actions: Sequence[Action]) -> None:
    held: list[Key] = []
    for number, action in enumerate(actions, start=1):
        if not isinstance(action, Hold):
            continue
        if action.down == (action.key in held):
            state = "already on" if action.down else "not on"
            raise UsageError(f"key action {number}: {action.key.name} is {state}")
        if not action.key.is_modifier:
            raise UsageError(f"key action {number}: {action.key.name} is not a modifier")
        if action.down:
            held.append(action.key)
        else:
            held.remove(action.key)
    if held:
        raise UsageError("key actions leave " + ", ".join(k.name for k in held) + " switched on")


def press_sequence(
    keyboard: KeySink,
    keys: Iterable[Key],
    *,
    pacing_s: float = 0.15,
    hold_s: float = 0.1,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Press keys one after the other, each held ``hold_s`` and followed by ``pacing_s``."""
    for one in keys:
        keyboard.press(one, hold_s)
        if pacing_s > 0:
            sleep(pacing_s)
