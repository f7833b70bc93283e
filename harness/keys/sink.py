"""What the key-script runner needs from a keyboard: the structural twin of targets' Keyboard.

Defined here so that ``harness.keys`` does not import ``harness.targets`` (keys sit below
targets in the layers, and must stay stdlib-only for the stand-in guest). Every
``harness.targets.Keyboard`` satisfies it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from harness.keys.key import Key


@runtime_checkable
class KeySink(Protocol):
    def press(self, key: Key, hold_s: float = 0.1) -> None:
        """Press and release one key."""
        ...

    def chord(self, keys: Sequence[Key], hold_s: float = 0.1) -> None:
        """Press keys together (in order), hold, release in reverse order."""
        ...
