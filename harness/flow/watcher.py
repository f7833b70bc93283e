"""Watches the device's screen for the flow: grabs frames, classifies the changed ones, records
every frame in the run bundle, and turns a capture that stalls into a rig error.

Classification is the expensive part (OCR), so a frame is only classified when it differs from
the last classified one; the full field extraction runs on demand (``observe``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

from harness.errors import NoFrame, UnknownScreen
from harness.flow.settings import FlowSettings
from harness.targets.frame import Frame
from harness.targets.target import Target
from harness.vision import Observation, ScreenState, Vision
from harness.vision.frames import frames_differ

log = logging.getLogger(__name__)

FrameRecorder = Callable[[Frame, ScreenState | None, bool], None]
"""Receives every grabbed frame: (frame, state if classified, changed)."""


@dataclass(frozen=True)
class Sighting:
    frame: Frame
    observation: Observation
    changed: bool
    unchanged_s: float
    """How long the picture has not changed, in seconds."""

    @property
    def state(self) -> ScreenState:
        return self.observation.state


class ScreenWatcher:
    def __init__(
        self,
        target: Target,
        vision: Vision,
        settings: FlowSettings,
        *,
        record: FrameRecorder | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._target = target
        self._vision = vision
        self._settings = settings
        self._record = record
        self._clock = clock
        self._sleep = sleep
        self._last: Sighting | None = None
        self._last_change_at = clock()
        self._last_new_frame_at = clock()
        self._last_timestamp: float | None = None
        self._full: tuple[int, Observation] | None = None

    @property
    def last(self) -> Sighting | None:
        return self._last

    def poll(self) -> Sighting:
        """Grab one new frame (waiting out short gaps) and classify it if it changed."""
        frame = self._grab_new_frame()
        now = self._clock()
        previous = self._last
        changed = previous is None or frames_differ(previous.frame.image, frame.image)
        if changed:
            observation = self._vision.classify(frame.image)
            self._last_change_at = now
            self._full = None
        else:
            assert previous is not None
            observation = previous.observation
        sighting = Sighting(frame, observation, changed, now - self._last_change_at)
        if changed and (previous is None or previous.state != observation.state):
            log.info("screen: %s (%.2f)", observation.state.value, observation.confidence)
        self._last = sighting
        if self._record is not None:
            self._record(frame, observation.state if changed else None, changed)
        return sighting

    def observe(self) -> Observation:
        """Full observation (fields, QR) of the latest frame; computed once per picture."""
        if self._last is None:
            self.poll()
        assert self._last is not None
        key = id(self._last.frame)
        if self._full is None or self._full[0] != key:
            self._full = (key, self._vision.observe(self._last.frame.image))
        return self._full[1]

    def wait_for(
        self,
        states: Collection[ScreenState],
        timeout_s: float,
        *,
        what: str,
        on_sighting: Callable[[Sighting], None] | None = None,
        frozen_limit_s: float | None = None,
    ) -> Sighting | None:
        """Poll until the screen is in one of ``states``; None when ``timeout_s`` ran out.

        ``on_sighting`` sees every frame (the ESP follower reads codes there). With
        ``frozen_limit_s``, a picture that does not change for that long raises ``NoFrame``:
        a display or capture that froze is a rig fault, not a slow device.
        """
        deadline = self._clock() + timeout_s
        while True:
            sighting = self.poll()
            if on_sighting is not None:
                on_sighting(sighting)
            if sighting.state in states:
                return sighting
            if frozen_limit_s is not None and sighting.unchanged_s >= frozen_limit_s:
                raise NoFrame(
                    f"the picture has not changed for {sighting.unchanged_s:.0f} s while waiting "
                    f"for {what}: the display or the capture froze"
                )
            if self._clock() >= deadline:
                return None
            self._sleep(self._settings.poll_interval_s)

    def require(self, states: Collection[ScreenState], timeout_s: float, *, what: str) -> Sighting:
        """Like ``wait_for``, but a timeout is a rig error naming the screen actually seen."""
        sighting = self.wait_for(states, timeout_s, what=what)
        if sighting is None:
            raise self.unexpected_screen(what, timeout_s)
        return sighting

    def unexpected_screen(self, what: str, timeout_s: float) -> UnknownScreen:
        seen = self._last.observation if self._last else None
        if seen is None:
            return UnknownScreen(f"no {what} within {timeout_s:.0f} s: no frame seen")
        detail = f"the screen was {seen.state.value!r}"
        if seen.state is ScreenState.UNKNOWN and seen.candidates:
            best = ", ".join(f"{c.state.value} {c.score:.2f}" for c in seen.candidates[:3])
            detail += f" (closest: {best})"
        return UnknownScreen(f"no {what} within {timeout_s:.0f} s; {detail}")

    def _grab_new_frame(self) -> Frame:
        """A frame newer than the last one. No new frame for ``stall_timeout_s`` is a rig error."""
        while True:
            try:
                frame = self._target.screen.grab()
            except NoFrame as problem:
                if self._clock() - self._last_new_frame_at >= self._settings.stall_timeout_s:
                    raise NoFrame(
                        f"no frame for {self._settings.stall_timeout_s:.0f} s: {problem}"
                    ) from problem
                self._sleep(self._settings.poll_interval_s)
                continue
            if self._last_timestamp is None or frame.timestamp != self._last_timestamp:
                self._last_timestamp = frame.timestamp
                self._last_new_frame_at = self._clock()
                return frame
            if self._clock() - self._last_new_frame_at >= self._settings.stall_timeout_s:
                raise NoFrame(
                    f"the capture stalled: no new frame for {self._settings.stall_timeout_s:.0f} s"
                )
            self._sleep(self._settings.poll_interval_s)
