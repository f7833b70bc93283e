"""What the flow tells the outside world as it goes: steps, phases, events, fields, frames.

The flow talks to this small interface only; ``bundle_recorder.BundleRecorder`` writes it into a
run bundle (result.json after every change), and tests can use a recorder of their own.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from harness.targets.frame import Frame
from harness.vision import Observation


@dataclass
class StepHandle:
    """Filled in by the flow while a step runs; the recorder writes it when the step ends."""

    name: str
    detail: str = ""
    retries: int = 0
    screen_state: str | None = None
    frame: Frame | None = None
    """The last frame seen in the step: the step's screenshot, also when the step failed."""
    observation: Observation | None = None
    """What vision saw on that frame (kept with the screenshot of a step that ended the run)."""
    extra: dict[str, Any] = field(default_factory=dict)


class Recorder(Protocol):
    def step(self, name: str) -> AbstractContextManager[StepHandle]: ...

    def phase(self, name: str, detail: str = "") -> AbstractContextManager[None]: ...

    def add_phase(self, name: str, start: float, end: float, detail: str = "") -> None:
        """A phase seen after the fact, from two ``time.monotonic()`` values."""
        ...

    def event(self, kind: str, detail: str = "") -> None: ...

    def frame(self, frame: Frame, state: str | None, changed: bool) -> None: ...

    def screenshot(self, name: str, frame: Frame) -> str: ...

    def diagnostics_screenshot(self, name: str, frame: Frame) -> str: ...

    def update(self, **values: Any) -> None:
        """Set top-level result values: result, error_codes, category, powered_off_after_reseal,
        and ``fields`` (merged key by key)."""
        ...
