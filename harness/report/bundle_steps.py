"""Phases, steps and events of the run record: the part of ``RunBundle`` that records what
happened when. A mixin: ``RunBundle`` provides the lock, the record and the clock."""

from __future__ import annotations

import threading

from harness.errors import UsageError
from harness.report.result import (
    STEP_OUTCOMES,
    Event,
    Phase,
    ResultFormatError,
    RunResult,
    Step,
    StepOutcome,
    check_choice,
)


class StepRecording:
    """``start_phase``/``end_phase``/``add_phase``, ``start_step``/``end_step``/``add_step``,
    ``add_event``. Every method rewrites ``result.json``."""

    _lock: threading.RLock
    result: RunResult

    def write(self) -> None:  # pragma: no cover - provided by RunBundle
        raise NotImplementedError

    def since_start(self, monotonic: float | None = None) -> float:  # pragma: no cover
        raise NotImplementedError

    # --- phases ----------------------------------------------------------------------------------

    def start_phase(self, name: str, *, at: float | None = None, detail: str = "") -> Phase:
        with self._lock:
            phase = Phase(name=name, start=self.since_start(at), detail=detail)
            self.result.phases.append(phase)
            self.write()
            return phase

    def end_phase(
        self, phase: Phase | str, *, at: float | None = None, detail: str | None = None
    ) -> Phase:
        """End a phase (the object, or the name of the latest open phase with that name)."""
        with self._lock:
            if isinstance(phase, str):
                phase = self._open_phase(phase)
            phase.end = self.since_start(at)
            phase.duration_s = round(phase.end - phase.start, 3)
            if detail is not None:
                phase.detail = detail
            self.write()
            return phase

    def add_phase(self, name: str, start: float, end: float, detail: str = "") -> Phase:
        """Record a whole phase from two monotonic timestamps."""
        with self._lock:
            phase = Phase(name=name, start=self.since_start(start), detail=detail)
            self.result.phases.append(phase)
            return self.end_phase(phase, at=end)

    def _open_phase(self, name: str) -> Phase:
        for phase in reversed(self.result.phases):
            if phase.name == name and phase.end is None:
                return phase
        raise UsageError(f"end_phase: no open phase named {name!r}")

    # --- steps -----------------------------------------------------------------------------------

    def start_step(self, name: str, *, at: float | None = None) -> Step:
        with self._lock:
            step = Step(index=len(self.result.steps) + 1, name=name, started=self.since_start(at))
            self.result.steps.append(step)
            self.write()
            return step

    def end_step(
        self,
        step: Step,
        outcome: StepOutcome = "ok",
        *,
        detail: str = "",
        screenshot: str | None = None,
        screen_state: str | None = None,
        retries: int | None = None,
        at: float | None = None,
    ) -> Step:
        require_choice(outcome, STEP_OUTCOMES, "outcome")
        with self._lock:
            step.ended = self.since_start(at)
            step.duration_s = round(step.ended - step.started, 3)
            step.outcome = outcome
            step.detail = detail
            step.screenshot = screenshot if screenshot is not None else step.screenshot
            step.screen_state = screen_state if screen_state is not None else step.screen_state
            if retries is not None:
                step.retries = retries
            self.write()
            return step

    def add_step(
        self,
        name: str,
        started: float,
        ended: float,
        outcome: StepOutcome = "ok",
        *,
        detail: str = "",
        screenshot: str | None = None,
        screen_state: str | None = None,
        retries: int = 0,
    ) -> Step:
        """Record a finished step from two monotonic timestamps."""
        with self._lock:
            step = self.start_step(name, at=started)
            return self.end_step(
                step,
                outcome,
                detail=detail,
                screenshot=screenshot,
                screen_state=screen_state,
                retries=retries,
                at=ended,
            )

    # --- events ----------------------------------------------------------------------------------

    def add_event(self, kind: str, detail: str = "", *, at: float | None = None) -> Event:
        """A reboot, power event, retry, stall ... (``at``: monotonic time it happened)."""
        with self._lock:
            event = Event(time=self.since_start(at), kind=kind, detail=detail)
            self.result.events.append(event)
            self.write()
            return event


def require_choice(value: object, choices: tuple[str, ...], key: str) -> None:
    """A bad argument from the calling code is a UsageError, not a malformed file."""
    try:
        check_choice(value, choices, key)
    except ResultFormatError as error:
        raise UsageError(str(error)) from None
