"""Runs of the flow on the simulated device on a virtual clock, for the flow tests and the fault
matrix: one scenario, one Windows version, one seed, one key-loss rate -> verdict and reason.

With ``oracle=True`` (the default) the frames are oracle pictures read by ``ViewVision``
(tests/flow_fakes.py) and the run is recorded in memory: it tests the flow's verdict logic and
takes milliseconds. With ``oracle=False`` the frames are rendered and read by real vision.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.config.choice import sim_scenario_expectation
from harness.flow import (
    Expectation,
    FlowSettings,
    MemoryRecorder,
    TechnicianFlow,
    judge,
    run_flow,
)
from harness.flow.navigation import load_navigation
from harness.flow.sim_limits import sim_flow_settings
from harness.report import RunResult
from harness.sim.model.clock import VirtualClock
from harness.targets.sim import make_sim_target
from harness.targets.target import Target
from tests.flow_fakes import ViewPainter, ViewVision

TIME_SCALE = 60.0
_NAVIGATION = {windows: load_navigation(windows) for windows in (10, 11)}
"""Read once per test process: thousands of sweep runs need not parse the file each."""


@dataclass(frozen=True)
class SweepRun:
    verdict: str
    reason: str
    recorder: MemoryRecorder
    device_events: list[tuple[float, str]]


def expectation_for(scenario: str, expect: str | None = None) -> Expectation:
    """The scenario's intended screen details, with ``expect`` (``red:0x...``) when given."""
    intended = sim_scenario_expectation(scenario)
    if expect is None:
        return intended
    return Expectation.parse(expect).with_fields(
        profile=intended.profile,
        organization=intended.organization,
        user=intended.user,
        ztd_id=intended.ztd_id,
    )


def sweep_run(
    scenario: str,
    *,
    windows: int = 10,
    seed: int = 0,
    loss: float | None = None,
    expect: str | None = None,
    oracle: bool = True,
    settings: FlowSettings | None = None,
    overrides: dict[str, Any] | None = None,
    time_scale: float = TIME_SCALE,
    size: tuple[int, int] = (1024, 768),
    vision_class: type[ViewVision] = ViewVision,
) -> SweepRun:
    merged = dict(overrides or {})
    if loss is not None:
        merged["drop_fraction"] = loss
    clock = VirtualClock()
    painter = ViewPainter() if oracle else None
    target = make_sim_target(
        scenario,
        windows=windows,
        size=size,
        time_scale=time_scale,
        overrides=merged,
        seed=seed,
        clock=clock,
        render_bgr=painter,
    )
    if oracle:
        vision = vision_class(painter)  # type: ignore[arg-type]
    else:
        from harness.vision import Vision

        vision = Vision(windows=windows)
    recorder = MemoryRecorder()
    log = logging.Logger(f"sweep.{scenario}.{windows}.{seed}", logging.WARNING)
    flow = TechnicianFlow(
        target,
        vision,  # type: ignore[arg-type]
        expectation_for(scenario, expect),
        settings or sim_flow_settings(time_scale),
        recorder,
        windows=windows,
        clock=clock.monotonic,
        sleep=clock.sleep,
        log=log,
        navigation=_NAVIGATION[windows],
    )
    with target:
        verdict, reason = judge(flow, log)
    device = target.power.device  # type: ignore[union-attr]
    return SweepRun(verdict, reason, recorder, list(device.events))


def bundle_run(
    out_dir: Path,
    scenario: str,
    expect: str | None = None,
    *,
    windows: int = 10,
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
    target_hook: Callable[[Target], None] | None = None,
    vision: Any = None,
    **settings: Any,
) -> RunResult:
    """``run_flow`` (a bundle on disk) on a virtual-clock sim target read by oracle vision."""
    painter = ViewPainter()
    target = make_sim_target(
        scenario,
        windows=windows,
        time_scale=TIME_SCALE,
        overrides=overrides,
        seed=seed,
        clock=VirtualClock(),
        render_bgr=painter,
    )
    if target_hook is not None:
        target_hook(target)
    with target:
        return run_flow(
            target,
            expectation_for(scenario, expect),
            out_dir=out_dir,
            settings=sim_flow_settings(TIME_SCALE).replace(**settings),
            vision=vision(painter) if vision else ViewVision(painter),
            windows=windows,
            backend="sim",
        )
