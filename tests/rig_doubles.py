"""Small recording stand-ins for the device side of rig peers (what the device received)."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from harness.keys import Key
from harness.targets.frame import Frame
from harness.targets.protocols import PowerState


class RecordingKeyboard:
    """A device keyboard that records what reached it: one tuple of key names per press/chord."""

    def __init__(self) -> None:
        self.received: list[tuple[str, ...]] = []

    def press(self, key: Key, hold_s: float = 0.0) -> None:
        self.received.append((key.name,))

    def chord(self, keys: Sequence[Key], hold_s: float = 0.0) -> None:
        self.received.append(tuple(key.name for key in keys))


class SolidColourScreen:
    """A screen that shows one solid BGR colour, settable by the test."""

    def __init__(self, colour: tuple[int, int, int] = (0, 0, 255)) -> None:
        self.colour = colour

    def grab(self) -> Frame:
        image = np.zeros((120, 160, 3), np.uint8)
        image[:] = self.colour
        return Frame(image=image, timestamp=time.monotonic(), source="test")


class RecordingPower:
    """A device's power switch that records the actions that reached it."""

    def __init__(self, on: bool = False) -> None:
        self.on = on
        self.actions: list[str] = []

    def power_on(self) -> None:
        self.actions.append("on")
        self.on = True

    def power_off(self) -> None:
        self.actions.append("off")
        self.on = False

    def shutdown(self) -> None:
        self.actions.append("shutdown")
        self.on = False

    def power_state(self) -> PowerState:
        return PowerState.ON if self.on else PowerState.OFF
