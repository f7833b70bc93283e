"""The Enrollment Status Page as a pure function of time since Provision.

``EspTimeline(scenario)`` plans one ESP run up front: when each sub-step starts and ends, whether
and when it fails (a scenario failure or the ESP timeout), when a reboot interrupts it and when
the result screen follows. ``snapshot(elapsed)`` then says what the screen shows at any moment,
so the device has no ESP state of its own and every time scale yields the same sequence.

"Work" time is the ESP's progress; it stands still during a reboot, while elapsed time (what the
result screen and the ESP timeout count) goes on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from harness.sim.model import texts as t
from harness.sim.model.scenario import Scenario

_ACCOUNT_STEPS = (
    t.JOINING_NETWORK,
    t.SECURITY_POLICIES,
    t.CERTIFICATES,
    t.NETWORK_CONNECTIONS,
    t.APPS,
)


@dataclass(frozen=True)
class Step:
    phase: int
    """0 Device preparation, 1 Device setup."""
    name: str
    start: float
    """Work time when the step starts."""
    each_s: float
    count: int = 0
    """0 for a single task; otherwise how many items (policies, apps) it counts."""
    unit: str = ""
    """``applied`` / ``installed``; empty for a task. A counted step with count 0 needs no setup."""

    @property
    def duration(self) -> float:
        return self.each_s * self.count if self.unit else self.each_s

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclass(frozen=True)
class Failure:
    step: int
    """Index into the timeline's steps."""
    work: float
    code: str | None
    timed_out: bool


@dataclass(frozen=True)
class Snapshot:
    screen: str
    """``esp`` or, during a reboot, ``black`` / ``firmware``."""
    data: dict[str, Any]


class EspTimeline:
    def __init__(self, scenario: Scenario) -> None:
        self._scenario = scenario
        self.steps = _plan(scenario)
        self.setup_start = self.steps[4].start - scenario.identify_s
        self.complete_work = self.steps[-1].end
        stuck_end = self._stuck_end()
        self.failure = self._plan_failure(stuck_end)
        finish_work = self.failure.work if self.failure else self.complete_work
        reboot = scenario.reboot_after_setup_s
        self.reboot_work: float | None = None
        if reboot is not None and self.setup_start + reboot < finish_work:
            self.reboot_work = self.setup_start + reboot
        self.reboot_s = scenario.reboot_black_s + scenario.boot_s
        self.outcome = "failure" if self.failure else "success"
        self.finish_elapsed = self.elapsed_at(finish_work)
        delay = scenario.failure_delay_s if self.failure else scenario.result_delay_s
        self.result_elapsed = self.finish_elapsed + delay
        """Elapsed time when the result screen replaces the ESP."""

    # Work time <-> elapsed time, around the (optional) reboot.
    def elapsed_at(self, work: float) -> float:
        if self.reboot_work is not None and work >= self.reboot_work:
            return work + self.reboot_s
        return work

    def work_at(self, elapsed: float) -> float:
        if self.reboot_work is None or elapsed < self.reboot_work:
            return elapsed
        return max(self.reboot_work, elapsed - self.reboot_s)

    def screen_changes(self) -> list[tuple[float, str]]:
        """(elapsed, screen) of the reboot, for the event log and the device's deadlines."""
        if self.reboot_work is None:
            return []
        black_end = self.reboot_work + self._scenario.reboot_black_s
        return [
            (self.reboot_work, "black"),
            (black_end, "firmware"),
            (black_end + self._scenario.boot_s, "esp"),
        ]

    def snapshot(self, elapsed: float) -> Snapshot:
        screen = "esp"
        for at, name in self.screen_changes():
            if elapsed >= at:
                screen = name
        if screen != "esp":
            return Snapshot(screen, {})
        return Snapshot("esp", self._esp_data(self.work_at(elapsed)))

    def final_rows(self) -> list[tuple[str, str]]:
        """(sub-step, status) of the device phases when the ESP ended, for the diagnostics page."""
        data = self._esp_data(self.failure.work if self.failure else self.complete_work)
        return [
            (sub["name"], sub["status"])
            for phase in data["phases"][:2]
            for sub in phase["substeps"]
        ]

    def _stuck_end(self) -> float | None:
        """Work time from which the stuck app holds the ESP forever (None: nothing sticks)."""
        stuck = self._scenario.stuck_app
        return None if stuck is None else self.steps[-1].start + (stuck - 1) * self._scenario.app_s

    def _plan_failure(self, stuck_end: float | None) -> Failure | None:
        s = self._scenario
        index = -1
        if stuck_end is not None:
            natural_end = math.inf
        elif s.failure_step is not None:
            index = next(i for i, step in enumerate(self.steps) if step.name == s.failure_step)
            natural_end = self.steps[index].end
        else:
            natural_end = self.complete_work
        # The timeout counts elapsed time, which a reboot (if one comes first) runs ahead of work.
        timeout_work = s.esp_timeout_s
        if s.reboot_after_setup_s is not None:
            reboot_work = self.setup_start + s.reboot_after_setup_s
            if reboot_work < timeout_work:
                timeout_work = max(reboot_work, timeout_work - s.reboot_black_s - s.boot_s)
        if timeout_work < natural_end:
            running = len(self.steps) - 1
            if stuck_end is None:
                running = next(i for i, step in enumerate(self.steps) if step.end > timeout_work)
            return Failure(running, timeout_work, s.esp_timeout_code, timed_out=True)
        if index >= 0:
            return Failure(index, natural_end, s.failure_code, timed_out=False)
        return None

    def _esp_data(self, work: float) -> dict[str, Any]:
        s = self._scenario
        words = t.texts(s.windows)
        failed = self.failure if self.failure and work >= self.failure.work else None
        phases = []
        for phase_index, name in enumerate((t.ESP_DEVICE_PREPARATION, t.ESP_DEVICE_SETUP)):
            indices = [i for i, step in enumerate(self.steps) if step.phase == phase_index]
            substeps = [
                {"name": self.steps[i].name, "status": self._step_status(i, work, failed)}
                for i in indices
            ]
            status = self._phase_status(phase_index, indices, work, failed)
            phases.append({"name": name, "status": status, "substeps": substeps})
        account_status = t.PREVIOUS_FAILED if failed else t.WAITING
        phases.append(
            {
                "name": t.ESP_ACCOUNT_SETUP,
                "status": account_status,
                "substeps": [{"name": n, "status": account_status} for n in _ACCOUNT_STEPS],
            }
        )
        for phase in phases[:2]:
            if phase["status"] in (t.WORKING, t.IDENTIFYING):
                # A living ESP animates its progress dots; the screen sets the frame (View).
                phase["dots"] = 0
        active = self._active_phase(phases)
        for index, phase in enumerate(phases):
            phase["expanded"] = index == active
        subtitle = words["esp_subtitle"]
        if failed and failed.timed_out:
            subtitle = s.esp_timeout_message or words["esp_timeout_message"]
        return {"title": words["esp_title"], "subtitle": subtitle, "phases": phases}

    @staticmethod
    def _active_phase(phases: list[dict[str, Any]]) -> int:
        """The phase whose details are open: the failed or working one, else the last complete."""
        for index, phase in enumerate(phases[:2]):
            if phase["status"] in (t.FAILED, t.WORKING, t.IDENTIFYING):
                return index
        return 1 if phases[1]["status"] == t.COMPLETE else 0

    def _phase_status(
        self, phase: int, indices: list[int], work: float, failed: Failure | None
    ) -> str:
        if failed is not None:
            failed_phase = self.steps[failed.step].phase
            if phase == failed_phase:
                return t.FAILED
            if phase > failed_phase:
                return t.PREVIOUS_FAILED
        start = self.setup_start if phase == 1 else 0.0
        if work < start:
            return t.WAITING
        if phase == 1 and work < start + self._scenario.identify_s:
            return t.IDENTIFYING
        return t.COMPLETE if work >= self._end(indices[-1]) else t.WORKING

    def _step_status(self, index: int, work: float, failed: Failure | None) -> str:
        step = self.steps[index]
        if failed is not None:
            if index == failed.step:
                return f"{t.FAILED}: {failed.code}" if failed.code else t.FAILED
            failed_step = self.steps[failed.step]
            if step.phase > failed_step.phase or (
                step.phase == failed_step.phase and index > failed.step
            ):
                return t.PREVIOUS_FAILED
        if step.phase == 1:
            if work < self.setup_start:
                return t.WAITING
            if work < self.setup_start + self._scenario.identify_s:
                return t.IDENTIFYING
        if step.unit:
            if step.count == 0:
                return t.NO_SETUP_NEEDED
            done = self._items_done(index, work)
            return f"{done} of {step.count} {step.unit}"
        if work < step.start:
            return t.WAITING
        return t.COMPLETE if work >= self._end(index) else t.WORKING

    def _end(self, index: int) -> float:
        """When a step really ends: never for the Apps step that holds a stuck app."""
        step = self.steps[index]
        if step.name == t.APPS and self._scenario.stuck_app is not None:
            return math.inf
        return step.end

    def _items_done(self, index: int, work: float) -> int:
        step = self.steps[index]
        if work <= step.start:
            return 0
        done = step.count if step.each_s <= 0 else int((work - step.start) // step.each_s)
        stuck = self._scenario.stuck_app
        if step.name == t.APPS and stuck is not None:
            done = min(done, stuck - 1)
        return min(done, step.count)


def _plan(s: Scenario) -> list[Step]:
    steps: list[Step] = []
    clock = 0.0
    for name, duration in (
        (t.SECURING_HARDWARE, s.tpm_s),
        (t.JOINING_NETWORK, s.join_s),
        (t.REGISTERING_MDM, s.register_s),
        (t.PREPARING_MDM, s.prepare_s),
    ):
        steps.append(Step(0, name, clock, duration))
        clock += duration
    clock += s.identify_s
    for name, count, each, unit in (
        (t.SECURITY_POLICIES, s.policy_count, s.policy_s, "applied"),
        (t.CERTIFICATES, 0, 0.0, "applied"),
        (t.NETWORK_CONNECTIONS, 0, 0.0, "applied"),
        (t.APPS, s.app_count, s.app_s, "installed"),
    ):
        steps.append(Step(1, name, clock, each, count, unit))
        clock += each * count
    return steps
