"""Where the simulated device reads the time from.

The device never calls ``time`` itself: it is given a clock, so tests can advance time by hand and
the same code runs in process, in the stand-in guest and at any time compression.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Monotonic seconds of the real world (the device multiplies them by its time scale)."""

    def monotonic(self) -> float: ...


class SystemClock:
    """The real monotonic clock."""

    def monotonic(self) -> float:
        return time.monotonic()


class ManualClock:
    """A clock that moves only when told to: for tests and for walking a device to a screen."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def monotonic(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"a clock cannot go back: advance({seconds})")
        self._now += seconds


class VirtualClock:
    """Simulated time that only moves when the harness sleeps: no verdict depends on host speed.

    The flow's sleeps advance it (``sleep``), so a slow or loaded machine sees exactly the same
    sequence of screens as a fast one: nothing happens "while the harness was busy". It starts at
    the real monotonic time, so run bundles that mix it with ``time.monotonic()`` stay coherent.

    ``pace`` > 0 also really sleeps ``seconds * pace``: ``harness run`` on the simulator keeps its
    real-time feel (a person can watch it) while staying deterministic; tests use 0.
    """

    def __init__(self, start: float | None = None, *, pace: float = 0.0) -> None:
        if pace < 0:
            raise ValueError(f"pace must be >= 0: {pace}")
        self._now = time.monotonic() if start is None else start
        self.pace = pace

    def monotonic(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"a clock cannot go back: advance({seconds})")
        self._now += seconds

    def sleep(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        if self.pace:
            time.sleep(seconds * self.pace)
        self._now += seconds
