"""The flow's time: the wall clock, or the target's own (the simulator's virtual clock)."""

from __future__ import annotations

import time

from harness.targets.protocols import TimeSource
from harness.targets.target import Target


class WallClock:
    """Real time: ``time.monotonic`` and ``time.sleep``."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))


def clock_of(target: Target) -> TimeSource:
    """The clock a run on ``target`` reads and sleeps on."""
    return target.clock if target.clock is not None else WallClock()
