"""Turns key-down / key-up events (as HID reports or PiKVM's API carry them) into presses.

A device model takes whole presses: a key name plus the modifiers held with it. A keyboard
injector sends downs and ups. The rule, as an OS sees it: a non-modifier key going down while
modifiers are held is a chord of those modifiers and the key; a modifier pressed and released with
nothing else in between (the Windows key) is a press of that modifier on its release.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.keys import Key
from harness.targets.protocols import Keyboard


class HeldKeys:
    def __init__(self, keyboard: Keyboard) -> None:
        self.keyboard = keyboard
        self.errors: list[str] = []
        self._held: list[Key] = []
        self._lone_modifier = False

    @property
    def held(self) -> tuple[Key, ...]:
        return tuple(self._held)

    def down(self, key: Key) -> None:
        if key in self._held:
            return  # a repeated report of the same state (a retry) is not a new press
        if key.is_modifier:
            self._lone_modifier = not any(not k.is_modifier for k in self._held)
            self._held.append(key)
            return
        self._lone_modifier = False
        modifiers = [k for k in self._held if k.is_modifier]
        self._held.append(key)
        self._deliver([*modifiers, key])

    def up(self, key: Key) -> None:
        if key not in self._held:
            return
        was_lone = key.is_modifier and self._lone_modifier
        modifiers_before = [k for k in self._held if k.is_modifier]
        self._held.remove(key)
        if was_lone and not self._held:
            self._lone_modifier = False
            self._deliver(modifiers_before)

    def set_state(self, keys: Sequence[Key]) -> None:
        """Apply an absolute state (a HID report): ups first, then downs in report order."""
        for key in list(self._held):
            if key not in keys:
                self.up(key)
        for key in keys:
            self.down(key)

    def _deliver(self, keys: list[Key]) -> None:
        try:
            if len(keys) == 1:
                self.keyboard.press(keys[0], 0.0)
            else:
                self.keyboard.chord(keys, 0.0)
        except Exception as problem:  # the device refusing a key must not kill the injector
            self.errors.append(f"{'+'.join(k.name for k in keys)}: {problem}")

    def release_all(self) -> None:
        """Let go of everything without a press (kvmd's ``clear_events`` on a closed client)."""
        self._held.clear()
        self._lone_modifier = False
