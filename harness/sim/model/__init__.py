"""The simulated device's behaviour (stdlib only: it also runs inside the stand-in guest).

``SimDevice`` is the device; ``scenario()`` / ``SCENARIOS`` name its scenarios; ``ManualClock``,
``SystemClock`` and ``VirtualClock`` are the clocks it reads. See docs/simulator.md.
"""

from harness.sim.model.clock import Clock, ManualClock, SystemClock, VirtualClock
from harness.sim.model.device import SimDevice
from harness.sim.model.scenario import SCENARIOS, Scenario, scenario

__all__ = [
    "SCENARIOS",
    "Clock",
    "ManualClock",
    "Scenario",
    "SimDevice",
    "SystemClock",
    "VirtualClock",
    "scenario",
]
