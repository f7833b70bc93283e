"""Which device a run uses: a device from a lab file, or the simulated device.

Shared by ``harness run`` and the pytest plugin, so both pick devices, expectations and flow
settings the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.errors import ConfigError
from harness.flow.expectation import Expectation
from harness.flow.settings import FlowSettings
from harness.flow.sim_limits import sim_flow_settings
from harness.targets.target import Target

SIM_DEFAULT_SIZE = (1280, 800)
SIM_DEFAULT_TIME_SCALE = 60.0

SIM_FLOW = sim_flow_settings(SIM_DEFAULT_TIME_SCALE)
"""Limits for the simulator at its default time compression, in real seconds (see
``harness.flow.sim_limits``: every device limit scales with the time scale)."""


@dataclass(frozen=True)
class DeviceChoice:
    config: Path | None = None
    device: str | None = None
    scenario: str = "success"
    windows: int | None = None
    image_build: str | None = None
    size: tuple[int, int] = SIM_DEFAULT_SIZE
    time_scale: float = SIM_DEFAULT_TIME_SCALE

    def __post_init__(self) -> None:
        if (self.config is None) != (self.device is None):
            raise ConfigError("a lab file and a device name go together", key="--device")

    @property
    def is_sim(self) -> bool:
        return self.config is None

    def lab_device(self):  # -> DeviceConfig (imported lazily: config pulls in every backend)
        from harness.config.devices import load_lab_config

        assert self.config is not None and self.device is not None
        return load_lab_config(self.config).device(self.device)

    def backend(self) -> str:
        if self.is_sim:
            return "sim"
        parts = self.lab_device().parts
        return str((parts.get("target") or parts["screen"])["backend"])

    def expectation(self) -> Expectation:
        if not self.is_sim:
            return self.lab_device().expectation
        return sim_scenario_expectation(self.scenario)

    def flow_settings(self) -> FlowSettings:
        return sim_flow_settings(self.time_scale) if self.is_sim else self.lab_device().flow

    def effective_windows(self) -> int | None:
        if self.is_sim:
            return self.windows or 10
        return self.windows or self.lab_device().windows


def build_device_target(choice: DeviceChoice) -> Target:
    if choice.is_sim:
        from harness.sim.model.clock import VirtualClock
        from harness.targets.sim import make_sim_target

        # Simulated time moves with the flow's sleeps (paced to real time, so a person can
        # watch): the verdict never depends on how busy the machine is.
        return make_sim_target(
            choice.scenario,
            windows=choice.effective_windows() or 10,
            size=choice.size,
            time_scale=choice.time_scale,
            clock=VirtualClock(pace=1.0),
        )
    from harness.config.devices import build_target

    return build_target(choice.lab_device())


def flow_settings_for(choice: DeviceChoice) -> FlowSettings:
    return choice.flow_settings()


def sim_scenario_expectation(name: str) -> Expectation:
    """What a *correct* device shows, checked against the simulated one: a green result and the
    scenario's intended details (so ``wrong-profile`` fails on the profile, as a real device with
    the wrong profile assigned would)."""
    from harness.sim.model.scenario import scenario

    try:
        intended = scenario(name).expectation
    except ValueError as problem:
        raise ConfigError(str(problem), key="--scenario") from None
    return Expectation(
        result="green",
        profile=intended.get("profile"),
        organization=intended.get("organization"),
        user=intended.get("user"),
        ztd_id=intended.get("ztd_id"),
    )
