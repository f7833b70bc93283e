"""The simulated device's behaviour (stdlib only: it also runs inside the stand-in guest).

``SimDevice`` is the device; ``scenario()`` / ``SCENARIOS`` name its scenarios; ``ManualClock``
and ``SystemClock`` are the clocks it reads. See docs/simulator.md.
"""

from harness.sim.model.clock import Clock, ManualClock, SystemClock
from harness.sim.model.device import SimDevice
from harness.sim.model.scenario import SCENARIOS, Scenario, scenario

__all__ = ["SCENARIOS", "Clock", "ManualClock", "Scenario", "SimDevice", "SystemClock", "scenario"]
