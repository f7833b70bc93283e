"""What every step of the flow shares: the target, vision, the watcher, the run's logger and
clock, and the evidence gathered so far (codes, category, the colour of the result)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from harness.flow.expectation import Expectation
from harness.flow.navigation import Navigation, load_navigation
from harness.flow.recorder import Recorder
from harness.flow.settings import FlowSettings
from harness.flow.watcher import ScreenWatcher
from harness.targets.events import EventSource, TargetEvent
from harness.targets.target import Target
from harness.vision import Observation, Vision


@dataclass
class Evidence:
    """What the screens said that the verdict rules judge."""

    codes: list[str] = field(default_factory=list)
    category: str | None = None
    error_text: str | None = None
    result_seen: str = "none"
    """``green``, ``red`` or ``none`` (no result screen reached)."""
    provision_started: float | None = None
    result_seen_at: float | None = None


@dataclass
class FlowContext:
    target: Target
    vision: Vision
    expectation: Expectation
    settings: FlowSettings
    recorder: Recorder
    watcher: ScreenWatcher
    log: logging.Logger
    clock: Callable[[], float]
    sleep: Callable[[float], None]
    windows: int | None = None
    evidence: Evidence = field(default_factory=Evidence)
    key_scripts: Navigation | None = None
    """The navigation in use (None: loaded for the Windows version once it is known)."""
    _event_sources: list[EventSource] | None = None

    def navigation(self) -> Navigation:
        if self.key_scripts is None:
            self.key_scripts = load_navigation(self.windows or 10)
        return self.key_scripts

    def learn_windows(self, observation: Observation) -> None:
        if self.windows is None and observation.windows in (10, 11):
            self.windows = observation.windows
            self.recorder.event("windows", f"Windows {self.windows} recognised on screen")

    def collect_codes(self, observation: Observation) -> None:
        evidence = self.evidence
        for code in observation.fields.error_codes:
            if code not in evidence.codes:
                evidence.codes.append(code)
        if observation.fields.category is not None and evidence.category is None:
            evidence.category = observation.fields.category.value
        if observation.fields.error_text and not evidence.error_text:
            evidence.error_text = observation.fields.error_text
        self.recorder.update(error_codes=list(evidence.codes), category=evidence.category)

    def record_events(self) -> list[TargetEvent]:
        """Drain the target's own events into the timeline; every one is kept, none dropped."""
        if self._event_sources is None:
            # Looked up once per run: a Protocol isinstance check on every frame is not free.
            target = self.target
            parts = (target.screen, target.keyboard, target.power, target.pointer)
            unique = {id(part): part for part in parts if part is not None}
            self._event_sources = [p for p in unique.values() if isinstance(p, EventSource)]
        events = sorted(
            (event for source in self._event_sources for event in source.drain_events()),
            key=lambda event: event.timestamp,
        )
        for event in events:
            self.recorder.event(event.kind.value, event.detail)
        return events
