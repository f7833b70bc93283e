"""A recorder that keeps the run in memory: for library callers that want no bundle on disk,
and for sweeps of thousands of simulated runs (the fault matrix). It keeps the events, steps
and phases, and of the frames only the last one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from harness.flow.recorder import StepHandle
from harness.targets.frame import Frame


@dataclass
class MemoryRecorder:
    events: list[tuple[str, str]] = field(default_factory=list)
    steps: list[tuple[str, str, StepHandle]] = field(default_factory=list)
    """(name, outcome, handle) of every finished step."""
    phases: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    frames: int = 0
    last_frame: Frame | None = None

    @contextmanager
    def step(self, name: str) -> Iterator[StepHandle]:
        handle = StepHandle(name)
        outcome = "ok"
        try:
            yield handle
        except BaseException as problem:
            outcome = "failed" if type(problem).__name__ == "DeviceFailure" else "error"
            raise
        finally:
            self.steps.append((name, outcome, handle))

    @contextmanager
    def phase(self, name: str, detail: str = "") -> Iterator[None]:
        self.phases.append(name)
        yield

    def add_phase(self, name: str, start: float, end: float, detail: str = "") -> None:
        self.phases.append(name)

    def event(self, kind: str, detail: str = "") -> None:
        self.events.append((kind, detail))

    def frame(self, frame: Frame, state: str | None, changed: bool) -> None:
        self.frames += 1
        self.last_frame = frame

    def screenshot(self, name: str, frame: Frame) -> str:
        return name

    def diagnostics_screenshot(self, name: str, frame: Frame) -> str:
        self.events.append(("diagnostics-screenshot", name))
        return name

    def update(self, **values: Any) -> None:
        fields = values.pop("fields", None) or {}
        self.values.setdefault("fields", {}).update(fields)
        self.values.update(values)
