"""The flow's recorder written into a run bundle (``harness.report.RunBundle``).

Every time is taken from the run's clock (the flow's: the wall clock, or the simulator's virtual
clock), so steps, phases, events and frames share one time line. A step that ended the run gets
its last frame as its screenshot and what vision saw on it next to it (``steps/NNN-name.json``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.flow.recorder import StepHandle
from harness.report import RunBundle
from harness.targets.frame import Frame

_FIELD_NAMES = {
    "profile",
    "organization",
    "user",
    "ztd_id",
    "elapsed_on_screen",
    "elapsed_on_screen_s",
    "elapsed_measured_s",
    "elapsed_difference_s",
}


class BundleRecorder:
    def __init__(self, bundle: RunBundle, clock: Callable[[], float] | None = None) -> None:
        self.bundle = bundle
        self._clock = clock

    def _now(self) -> float | None:
        return self._clock() if self._clock is not None else None

    @contextmanager
    def step(self, name: str) -> Iterator[StepHandle]:
        step = self.bundle.start_step(name, at=self._now())
        handle = StepHandle(name)
        outcome = "ok"
        try:
            yield handle
        except BaseException as problem:
            outcome = "failed" if type(problem).__name__ == "DeviceFailure" else "error"
            if not handle.detail:
                handle.detail = str(problem)
            raise
        finally:
            screenshot = None
            if handle.frame is not None:
                screenshot = self.bundle.save_screenshot(name, handle.frame.image)
                if outcome != "ok" and handle.observation is not None:
                    self._save_observation(screenshot, handle)
            if outcome == "ok" and handle.retries:
                outcome = "retry"
            self.bundle.end_step(
                step,
                outcome,  # type: ignore[arg-type]
                detail=handle.detail,
                screenshot=screenshot,
                screen_state=handle.screen_state,
                retries=handle.retries,
                at=self._now(),
            )

    def _save_observation(self, screenshot: str, handle: StepHandle) -> None:
        assert handle.observation is not None
        path = self.bundle.path / Path(screenshot).with_suffix(".json")
        data = {"step": handle.name, "observation": handle.observation.to_dict()}
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @contextmanager
    def phase(self, name: str, detail: str = "") -> Iterator[None]:
        phase = self.bundle.start_phase(name, detail=detail, at=self._now())
        try:
            yield
        finally:
            self.bundle.end_phase(phase, at=self._now())

    def add_phase(self, name: str, start: float, end: float, detail: str = "") -> None:
        self.bundle.add_phase(name, start, end, detail)

    def event(self, kind: str, detail: str = "") -> None:
        self.bundle.add_event(kind, detail, at=self._now())

    def frame(self, frame: Frame, state: str | None, changed: bool) -> None:
        # The watcher already compared this frame with the last one: don't compare it again.
        # An unchanged frame's picture is not needed (nor decoded, for a JPEG stream's frames).
        self.bundle.add_frame(frame.image if changed else None, frame.timestamp, state, changed)

    def screenshot(self, name: str, frame: Frame) -> str:
        return self.bundle.save_screenshot(name, frame.image)

    def diagnostics_screenshot(self, name: str, frame: Frame) -> str:
        return self.bundle.save_diagnostic(name, frame.image)

    def update(self, **values: Any) -> None:
        fields = values.pop("fields", None)
        if fields:
            self.bundle.set_fields(**{k: v for k, v in fields.items() if k in _FIELD_NAMES})
        result = self.bundle.result
        if {"result", "error_codes", "category"} & set(values):
            self.bundle.set_screen_result(
                values.get("result", result.result),
                values.get("error_codes", result.error_codes),
                values.get("category", result.category),
            )
        if "powered_off_after_reseal" in values:
            self.bundle.set_powered_off_after_reseal(values["powered_off_after_reseal"])
