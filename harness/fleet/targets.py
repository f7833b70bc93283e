"""A lab device as the target of a fleet run: built as ``harness run`` builds it, with two
differences that parallel runs need.

- A simulated device (``target: {backend: sim}``) runs on a ``VirtualClock`` of its own, paced
  by ``sim_pace`` (1: real time, as ``harness run``; 0: as fast as the host goes). Its simulated
  time then moves only when its run waits, so six runs sharing two cores give the verdicts one
  run alone gives.
- The run's clock stops at the fleet's stop event: its next wait raises KeyboardInterrupt in the
  run's own thread, which ``harness.flow.execute`` records as the verdict ``error`` in a
  finished bundle. (Ctrl-C reaches only the main thread; this is how it reaches the others.)
"""

from __future__ import annotations

import threading

from harness.config.devices import DeviceConfig, build_target
from harness.flow.clock import clock_of
from harness.sim.model.clock import VirtualClock
from harness.targets import sim_part
from harness.targets.protocols import TimeSource
from harness.targets.target import Target

STOP_POLL_S = 0.05
"""A long real wait is cut into slices this long, so a stop is seen within about this time."""


class StoppableClock:
    """The run's clock, whose ``sleep`` ends the run once ``stop`` is set."""

    def __init__(self, inner: TimeSource, stop: threading.Event, *, paced: bool) -> None:
        self._inner = inner
        self._stop = stop
        self._paced = paced
        """True when ``inner.sleep`` really waits (the wall clock, a paced virtual clock)."""

    def monotonic(self) -> float:
        return self._inner.monotonic()

    def sleep(self, seconds: float) -> None:
        self._check()
        if not self._paced:
            self._inner.sleep(seconds)
            return
        remaining = max(0.0, seconds)
        while True:
            step = min(remaining, STOP_POLL_S)
            self._inner.sleep(step)
            remaining -= step
            self._check()
            if remaining <= 0:
                return

    def _check(self) -> None:
        if self._stop.is_set():
            raise KeyboardInterrupt("the fleet run was stopped")


def is_simulated(device: DeviceConfig) -> bool:
    target = device.parts.get("target")
    return target is not None and target["backend"] == "sim" and set(device.parts) == {"target"}


def build_fleet_target(device: DeviceConfig, *, sim_pace: float, stop: threading.Event) -> Target:
    """The device's target, its clock watching ``stop``; side effects happen here."""
    if is_simulated(device):
        virtual = VirtualClock(pace=sim_pace)
        source = f"{device.source}: {device.where}.target"
        settings = {k: v for k, v in device.parts["target"].items() if k != "backend"}
        target = sim_part.create("all", settings, source=source, clock=virtual)
        target.name = device.name
        target.facts = {**target.facts, **device.facts}
    else:
        target = build_target(device)
    inner = clock_of(target)
    paced = not isinstance(inner, VirtualClock) or inner.pace > 0
    target.clock = StoppableClock(inner, stop, paced=paced)
    return target
