"""The small interfaces a device under test offers. The flow depends on these only.

Backends implement them, one file per backend (``sim.py``, ``libvirt.py``, ``capture.py`` ...).
Keys are ``harness.keys.Key`` values, which carry every backend's code for that key.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from harness.keys import Key
from harness.targets.frame import Frame

DEFAULT_HOLD_S = 0.1
"""How long a key is held down unless a backend or the caller says otherwise."""


class PowerState(enum.Enum):
    ON = "on"
    OFF = "off"
    UNKNOWN = "unknown"


@runtime_checkable
class Power(Protocol):
    """Switches the device on and (hard) off, and reports its state.

    Capability ``can_read_state`` (an optional attribute, True when absent): False says that
    ``power_state()`` can only ever answer ``unknown`` (manual power without ``ask_state``, a
    relay without a state command). The flow then judges power-off from the screen instead.
    """

    def power_on(self) -> None: ...

    def power_off(self) -> None:
        """Hard power off (pull the plug / ForceOff / destroy)."""
        ...

    def power_state(self) -> PowerState: ...


def can_read_power_state(power: object) -> bool:
    """Whether ``power.power_state()`` can say on or off (see ``Power``)."""
    return power is not None and bool(getattr(power, "can_read_state", True))


@runtime_checkable
class GracefulPower(Power, Protocol):
    """A power controller that can also ask the OS to shut down (ACPI power button)."""

    def shutdown(self) -> None: ...


@runtime_checkable
class Keyboard(Protocol):
    """Injects key presses. A backend raises ``KeyNotAccepted`` when a key is refused."""

    def press(self, key: Key, hold_s: float = DEFAULT_HOLD_S) -> None:
        """Press and release one key."""
        ...

    def chord(self, keys: Sequence[Key], hold_s: float = DEFAULT_HOLD_S) -> None:
        """Press keys together (in order), hold, release in reverse order: ``ctrl+shift+d``."""
        ...


@dataclass(frozen=True)
class KeyboardProbe:
    """What a keyboard injector said when asked, without typing anything (the fleet's health
    check): ``answers`` True or False, or None when this backend has no way to ask."""

    answers: bool | None
    detail: str


@runtime_checkable
class ProbingKeyboard(Protocol):
    """A keyboard that can be asked whether it works (CH9329 ``GET_INFO``, PiKVM HID state)."""

    def probe(self) -> KeyboardProbe: ...


def probe_keyboard(keyboard: object) -> KeyboardProbe:
    """``keyboard.probe()``, or "cannot tell" for a backend that offers none."""
    if isinstance(keyboard, ProbingKeyboard):
        return keyboard.probe()
    return KeyboardProbe(None, f"{type(keyboard).__name__} cannot be asked whether it answers")


@runtime_checkable
class Screen(Protocol):
    """Delivers the current picture of the device's screen. Raises ``NoFrame`` when it cannot."""

    def grab(self) -> Frame: ...


@runtime_checkable
class Pointer(Protocol):
    """Clicks at a position given in the coordinates of the frames the Screen delivers."""

    def click(self, x: int, y: int) -> None: ...


@runtime_checkable
class TimeSource(Protocol):
    """Where a target's time comes from when it is not the wall clock: the simulator's virtual
    clock, which only the harness's own sleeps advance (so no verdict depends on host speed)."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


@runtime_checkable
class Closeable(Protocol):
    def close(self) -> None: ...
