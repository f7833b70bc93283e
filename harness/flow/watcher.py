"""Watches the device's screen for the flow: grabs frames, classifies the changed ones, records
every frame in the run bundle, and turns a capture that delivers no new frames into a rig error.

Classification is the expensive part (OCR), so a frame is only classified when its content
changed (``Change.CHANGED``); a frame where only an animation moved (``ANIMATED``) keeps the
last observation but counts as a sign of life. The full field extraction runs on demand
(``observe``), once per content.

Watching is cheap where the screen backend helps: a frame with a ``preview`` (a JPEG stream's
picture decoded at 1/8) is compared on its preview, and its full picture is only decoded when
the content changed. Long waits (``wait_for``: the ESP, a boot) look less often while nothing
changes and fast again after a change (``harness.flow.pacing``); waits for a key's effect
(``wait_for_change``, ``settled``) always look at ``poll_interval_s``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass

from harness.errors import NoFrame, UnknownScreen
from harness.flow.pacing import PollPacing
from harness.flow.settings import FlowSettings
from harness.targets.frame import Frame
from harness.targets.target import Target
from harness.vision import Observation, ScreenState, Vision
from harness.vision.change import Change, ChangeDetector

FrameRecorder = Callable[[Frame, ScreenState | None, bool], None]
"""Receives every grabbed frame: (frame, state if classified, changed)."""


@dataclass(frozen=True)
class Sighting:
    frame: Frame
    observation: Observation
    change: Change
    unchanged_s: float
    """How long the content has not changed (animations do not count), in seconds."""
    still_s: float
    """How long the picture has not moved at all: neither content nor animation."""
    settling: bool = False
    """A small difference is waiting to be confirmed as content by the next frames."""

    @property
    def state(self) -> ScreenState:
        return self.observation.state

    @property
    def changed(self) -> bool:
        return self.change is Change.CHANGED


class ScreenWatcher:
    def __init__(
        self,
        target: Target,
        vision: Vision,
        settings: FlowSettings,
        *,
        log: logging.Logger,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        record: FrameRecorder | None = None,
    ) -> None:
        self._target = target
        self._vision = vision
        self._settings = settings
        self._pacing = PollPacing.for_settings(settings)
        self._log = log
        self._record = record
        self._clock = clock
        self._sleep = sleep
        self._detector = ChangeDetector()
        self._last: Sighting | None = None
        self._last_change_at = clock()
        self._last_motion_at = clock()
        self._last_new_frame_at = clock()
        self._last_timestamp: float | None = None
        self._content = 0
        self._full: tuple[int, Observation] | None = None

    @property
    def last(self) -> Sighting | None:
        return self._last

    def next_interval(self) -> float:
        """How long a long wait sleeps before its next look (``harness.flow.pacing``)."""
        last = self._last
        if last is None or last.changed:
            return self._pacing.fast_s
        return self._pacing.interval(last.unchanged_s, settling=last.settling)

    def poll(self) -> Sighting:
        """Grab one new frame (waiting out short gaps) and classify it if its content changed."""
        return self._see(self._grab_new_frame())

    def poll_or_none(self) -> Sighting | None:
        """One look that may find no picture at all (None): after Reseal, a capture without
        signal delivers no frame, and that is what a powered-off device looks like."""
        try:
            frame = self._target.screen.grab()
        except NoFrame:
            return None
        if self._last_timestamp is not None and frame.timestamp == self._last_timestamp:
            return self._last
        self._last_timestamp = frame.timestamp
        self._last_new_frame_at = self._clock()
        return self._see(frame)

    def observe(self) -> Observation:
        """Full observation (fields, QR) of the latest content; computed once per content."""
        if self._last is None:
            self.poll()
        assert self._last is not None
        if self._full is None or self._full[0] != self._content:
            self._full = (self._content, self._vision.observe(self._last.frame.image))
        return self._full[1]

    def wait_for(
        self,
        states: Collection[ScreenState],
        timeout_s: float,
        *,
        what: str,
        on_sighting: Callable[[Sighting], None] | None = None,
        paced: bool = True,
    ) -> Sighting | None:
        """Poll until the screen is in one of ``states``; None when ``timeout_s`` ran out.

        ``on_sighting`` sees every frame and may end the wait by raising (the ESP follower
        reads codes there and applies the frozen-capture rule). ``paced``: look less often while
        nothing changes (``next_interval``); False looks every ``poll_interval_s``.
        """
        deadline = self._clock() + timeout_s
        while True:
            sighting = self.poll()
            if on_sighting is not None:
                on_sighting(sighting)
            if sighting.state in states:
                return sighting
            now = self._clock()
            if now >= deadline:
                return None
            interval = self.next_interval() if paced else self._settings.poll_interval_s
            # The last look falls on the deadline: the limit is judged on time, not late.
            self._sleep(min(interval, deadline - now))

    @property
    def content_version(self) -> int:
        """Counts content changes; compare two readings to know whether the screen changed."""
        return self._content

    def wait_for_change(self, since: int, timeout_s: float) -> Sighting | None:
        """Poll until the content differs from version ``since`` and has settled (the next frame
        shows the same content); None when it did not change within ``timeout_s``.

        A key's effect must be read from a frame that shows all of it: capture lags the device
        (a VM's display, an HDMI grabber), so a frame grabbed right after a key may predate it,
        and one grabbed while the device redraws shows half the old picture (tearing, fades).
        A change that never settles is returned as last seen when ``timeout_s`` runs out.
        """
        deadline = self._clock() + timeout_s
        changed: Sighting | None = None
        while True:
            sighting = self.poll()
            if changed is not None and not sighting.changed:
                return sighting
            if self._content != since:
                changed = sighting
            if self._clock() >= deadline:
                return changed
            self._sleep(self._settings.poll_interval_s)

    def settled(self, timeout_s: float) -> Sighting:
        """The latest sighting once its content has held for one more frame (or ``timeout_s``
        ran out): a screen that has just appeared may still be drawing."""
        deadline = self._clock() + timeout_s
        sighting = self._last if self._last is not None else self.poll()
        while sighting.changed and self._clock() < deadline:
            self._sleep(self._settings.poll_interval_s)
            sighting = self.poll()
        return sighting

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

    def _see(self, frame: Frame) -> Sighting:
        now = self._clock()
        previous = self._last
        preview = frame.preview
        if preview is not None:
            change = self._detector.compare_reduced(
                preview.image, preview.scale, preview.frame_shape
            )
        else:
            change = self._detector.compare(frame.image)
        if previous is None:
            change = Change.CHANGED
        if change is Change.CHANGED:
            observation = self._vision.classify(frame.image)
            self._content += 1
            self._last_change_at = now
        else:
            assert previous is not None
            observation = previous.observation
        if change is not Change.IDENTICAL:
            self._last_motion_at = now
        sighting = Sighting(
            frame,
            observation,
            change,
            now - self._last_change_at,
            now - self._last_motion_at,
            settling=self._detector.settling,
        )
        if change is Change.CHANGED and (previous is None or previous.state != observation.state):
            self._log.info("screen: %s (%.2f)", observation.state.value, observation.confidence)
        self._last = sighting
        if self._record is not None:
            changed = change is Change.CHANGED
            self._record(frame, observation.state if changed else None, changed)
        return sighting

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
