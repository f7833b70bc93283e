"""Counts the Windows-key presses that open the options dialog at the first OOBE screen.

The window is in REAL seconds whatever the time compression: it models a person's (or the
harness's) pace of pressing, not the device's work.
"""

from __future__ import annotations


class WindowsKeyCounter:
    def __init__(self, presses_needed: int, max_gap_s: float) -> None:
        self._needed = presses_needed
        self._max_gap_s = max_gap_s
        self._count = 0
        self._last: float | None = None

    @property
    def count(self) -> int:
        return self._count

    def press(self, real_time: float) -> bool:
        """Record one press; True when this press completes the series (the counter restarts)."""
        if self._last is None or real_time - self._last > self._max_gap_s:
            self._count = 0
        self._count += 1
        self._last = real_time
        if self._count >= self._needed:
            self.reset()
            return True
        return False

    def reset(self) -> None:
        self._count = 0
        self._last = None
