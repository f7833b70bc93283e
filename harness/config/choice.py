"""Which device a run uses: a device from a lab file, or the simulated device.

Shared by ``harness run`` and the pytest plugin, so both pick devices, expectations and flow
settings the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.errors import ConfigError
from harness.flow.expectation import Expectation
from harness.flow.settings import FlowSettings
from harness.flow.sim_limits import sim_flow_settings
from harness.targets.target import Target

if TYPE_CHECKING:
    from harness.flow.runner import FlowRun

SIM_DEFAULT_SIZE = (1280, 800)
SIM_DEFAULT_TIME_SCALE = 60.0

SIM_FLOW = sim_flow_settings(SIM_DEFAULT_TIME_SCALE)
"""Limits for the simulator at its default time compression, in real seconds (see
``harness.flow.sim_limits``: every device limit scales with the time scale)."""


@dataclass(frozen=True)
class DeviceChoice:
    """``seed`` and ``overrides`` (scenario parameters) apply to a simulated device: the default
    one, or a lab device whose target is ``backend: sim`` (they win over the lab file's)."""

    config: Path | None = None
    device: str | None = None
    scenario: str = "success"
    windows: int | None = None
    image_build: str | None = None
    size: tuple[int, int] = SIM_DEFAULT_SIZE
    time_scale: float = SIM_DEFAULT_TIME_SCALE
    seed: int | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.config is None) != (self.device is None):
            raise ConfigError("a lab file and a device name go together", key="--device")
        if not self.time_scale > 0:
            raise ConfigError(
                f"expected a number > 0, found {self.time_scale!r}", key="--time-scale"
            )
        if self.is_sim:
            _check_scenario(self.scenario, {**self.overrides, **self._seed_override()})

    @property
    def is_sim(self) -> bool:
        return self.config is None

    def _seed_override(self) -> dict[str, Any]:
        return {} if self.seed is None else {"seed": self.seed}

    @cached_property
    def _lab_device(self) -> Any:  # DeviceConfig (imported lazily: config pulls in backends)
        from harness.config.devices import load_lab_config

        assert self.config is not None and self.device is not None
        device = load_lab_config(self.config).device(self.device)
        if not (self.overrides or self.seed is not None):
            return device
        target = device.parts.get("target")
        if target is None or target["backend"] != "sim":
            raise ConfigError(
                f"--seed and --set apply to a simulated device; {self.device!r} is not one",
                key="--set",
            )
        overrides = {**target.get("overrides", {}), **self.overrides}
        _check_scenario(str(target.get("scenario", "success")), overrides)
        sim = {**target, "overrides": overrides, **self._seed_override()}
        return replace(device, parts={**device.parts, "target": sim})

    def lab_device(self) -> Any:
        """The chosen lab device (loaded once), with ``seed``/``overrides`` applied."""
        return self._lab_device

    def backend(self) -> str:
        if self.is_sim:
            return "sim"
        return str(self.lab_device().backend())

    def secrets(self) -> tuple[str, ...]:
        """The secret values the device's configuration names (nothing for the simulator)."""
        return () if self.is_sim else tuple(self.lab_device().secret_values())

    def expectation(self) -> Expectation:
        if not self.is_sim:
            return self.lab_device().expectation
        return sim_scenario_expectation(self.scenario, self.overrides)

    def intune_session(self) -> Any:
        """The device's ``IntuneSession`` (docs/intune.md), or None: the simulator and a device
        without ``intune:`` / ``expect.from_intune`` run without Intune. Reads the app's
        credential now (a missing one is a ConfigError before the run)."""
        if self.is_sim:
            return None
        device = self.lab_device()
        if not device.uses_intune:
            return None
        from harness.intune.session import open_session

        return open_session(
            device.intune_app,
            device.intune,
            source=device.source,
            from_intune=device.from_intune,
        )

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
            overrides=choice.overrides,
            seed=choice.seed or 0,
            clock=VirtualClock(pace=1.0),
        )
    from harness.config.devices import build_target

    return build_target(choice.lab_device())


def device_flow_run(
    choice: DeviceChoice,
    *,
    out_dir: Path,
    expectation: Expectation | None = None,
    progress: Callable[[str], None] | None = None,
) -> FlowRun:
    """The run ``harness run`` makes of ``choice`` (its target built, not yet opened): the one
    recipe for every caller that runs a configured device (the CLI, fleet workers)."""
    from harness.flow.runner import FlowRun

    # The Intune credential is read first: a missing one is a ConfigError before any hardware.
    intune = choice.intune_session()
    return FlowRun(
        build_device_target(choice),
        expectation or choice.expectation(),
        out_dir=out_dir,
        settings=choice.flow_settings(),
        windows=choice.effective_windows(),
        backend=choice.backend(),
        secrets=choice.secrets(),
        progress=progress,
        intune=intune,
    )


def _check_scenario(name: str, overrides: Mapping[str, Any]) -> None:
    """Unknown scenario, unknown parameter or wrong type: a ConfigError before the run."""
    from harness.sim.model.scenario import scenario

    try:
        scenario(name, overrides)
    except ValueError as problem:
        key = "--set" if overrides and "parameter" in str(problem) else "--scenario"
        raise ConfigError(str(problem), key=key) from None


def flow_settings_for(choice: DeviceChoice) -> FlowSettings:
    return choice.flow_settings()


def sim_scenario_expectation(name: str, overrides: Mapping[str, Any] | None = None) -> Expectation:
    """What a *correct* device shows, checked against the simulated one: a green result and the
    scenario's intended details (so ``wrong-profile`` fails on the profile, as a real device with
    the wrong profile assigned would)."""
    from harness.sim.model.scenario import scenario

    try:
        intended = scenario(name, overrides).expectation
    except ValueError as problem:
        raise ConfigError(str(problem), key="--scenario") from None
    return Expectation(
        result="green",
        profile=intended.get("profile"),
        organization=intended.get("organization"),
        user=intended.get("user"),
        ztd_id=intended.get("ztd_id"),
    )
