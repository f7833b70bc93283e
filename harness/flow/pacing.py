"""How often the watcher looks during a long wait: fast after a change, slower while nothing does.

An ESP runs for an hour on a screen that changes a few times; looking four times a second all
along costs a core's share per device (docs/benchmarks.md, "Watching many devices"). So during
the long waits (the ESP, the power-off after Reseal) the interval grows with the time nothing
changed - a tenth of it, from ``poll_interval_s`` up to a bound - and drops back to
``poll_interval_s`` at the first change, or while a small change is settling (the detector wants
a few frames of it). Animation (the ESP's progress dots) is no change: it does not keep the pace
fast.

The bound keeps every promise the flow makes:
- any screen shown for at least ``slow_s`` (plus one frame of capture lag) is seen: there is a
  look within every ``slow_s``, and the one after a change is fast again;
- the flow's limits keep their meaning: a look at least every tenth of ``frozen_screen_s`` and
  a quarter of ``stall_timeout_s`` and ``blank_poweroff_s``, so a frozen picture, a stalled
  capture or a power-off by screen is judged at most that much late; the ESP limit at most one
  interval late.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.flow.settings import FlowSettings

BACKOFF_SHARE = 0.1
"""The interval is this share of how long the content has not changed (10 s unchanged: 1 s)."""


@dataclass(frozen=True)
class PollPacing:
    fast_s: float
    """The interval after a change, and the shortest: ``poll_interval_s``."""
    slow_s: float
    """The longest interval (``PollPacing.for_settings`` bounds it by the flow's limits)."""

    @classmethod
    def for_settings(cls, settings: FlowSettings) -> PollPacing:
        fast = settings.poll_interval_s
        slow = min(
            settings.poll_max_interval_s,
            settings.frozen_screen_s / 10,
            settings.stall_timeout_s / 4,
            settings.blank_poweroff_s / 4,
        )
        return cls(fast_s=fast, slow_s=max(fast, slow))

    def interval(self, unchanged_s: float, *, settling: bool = False) -> float:
        """Seconds to wait before the next look, the content unchanged for ``unchanged_s``."""
        if settling:
            return self.fast_s
        return min(self.slow_s, max(self.fast_s, unchanged_s * BACKOFF_SHARE))
