"""The long wait's pace (``harness.flow.pacing``) on a driven clock: slower while nothing
changes, never slower than the bound, fast again right after a change, and a screen shown for
the bound is still seen."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from harness.flow.pacing import PollPacing
from harness.flow.settings import FlowSettings
from harness.flow.watcher import ScreenWatcher
from harness.targets.frame import Frame
from harness.targets.target import Target
from harness.vision import ScreenState


class DrivenClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class ScriptedScreen:
    """Grey until ``change_at``, white from then to ``change_at + shown_s``, grey again."""

    def __init__(self, clock: DrivenClock, change_at: float, shown_s: float) -> None:
        self.clock, self.change_at, self.shown_s = clock, change_at, shown_s

    def grab(self) -> Frame:
        now = self.clock()
        showing = self.change_at <= now < self.change_at + self.shown_s
        image = np.full((90, 160, 3), 250 if showing else 60, np.uint8)
        return Frame(image=image, timestamp=now, source="scripted")


class BrightnessVision:
    def classify(self, image: np.ndarray) -> object:
        from harness.vision import Observation

        state = ScreenState.SUCCESS if image.mean() > 128 else ScreenState.ESP
        return Observation(state=state, confidence=1.0)

    def observe(self, image: np.ndarray) -> object:
        return self.classify(image)


def watcher_for(
    screen: ScriptedScreen, clock: DrivenClock, settings: FlowSettings
) -> ScreenWatcher:
    target = Target(name="t", screen=screen, keyboard=None)  # type: ignore[arg-type]
    return ScreenWatcher(
        target,
        BrightnessVision(),  # type: ignore[arg-type]
        settings,
        log=logging.getLogger("test"),
        clock=clock,
        sleep=clock.sleep,
    )


def test_the_bound_honours_the_flow_limits() -> None:
    default = PollPacing.for_settings(FlowSettings())
    assert (default.fast_s, default.slow_s) == (0.25, 2.0)
    tight = FlowSettings(frozen_screen_s=10, stall_timeout_s=30, blank_poweroff_s=10)
    assert PollPacing.for_settings(tight).slow_s == 1.0  # a tenth of frozen_screen_s
    assert PollPacing.for_settings(FlowSettings(poll_max_interval_s=0)).slow_s == 0.25
    pacing = PollPacing(0.25, 2.0)
    assert pacing.interval(0.0) == 0.25
    assert pacing.interval(10.0) == pytest.approx(1.0)
    assert pacing.interval(1000.0) == 2.0
    assert pacing.interval(1000.0, settling=True) == 0.25


def test_a_long_unchanged_wait_slows_down_to_the_bound_and_ends_on_its_deadline() -> None:
    clock = DrivenClock()
    screen = ScriptedScreen(clock, change_at=1e9, shown_s=0)
    watcher = watcher_for(screen, clock, FlowSettings())
    assert watcher.wait_for({ScreenState.SUCCESS}, 600, what="result") is None
    assert clock.now == pytest.approx(600)
    assert max(clock.sleeps) == pytest.approx(2.0)
    assert clock.sleeps[0] == 0.25
    assert all(b >= a - 1e-9 for a, b in zip(clock.sleeps[:-2], clock.sleeps[1:-1], strict=True))
    assert len(clock.sleeps) < 600 / 0.25 / 5  # far fewer looks than at the fixed pace


@pytest.mark.parametrize("change_at", [100.0, 333.3, 599.0])
def test_a_screen_shown_for_the_bound_is_seen_after_a_long_still_wait(change_at: float) -> None:
    clock = DrivenClock()
    screen = ScriptedScreen(clock, change_at=change_at, shown_s=2.0)
    watcher = watcher_for(screen, clock, FlowSettings())
    seen = watcher.wait_for({ScreenState.SUCCESS}, 700, what="result")
    assert seen is not None and change_at <= seen.frame.timestamp < change_at + 2.0


def test_the_pace_is_fast_again_right_after_a_change() -> None:
    clock = DrivenClock()
    screen = ScriptedScreen(clock, change_at=300.5, shown_s=1e9)
    watcher = watcher_for(screen, clock, FlowSettings())
    assert watcher.wait_for({ScreenState.SUCCESS}, 300, what="result") is None
    assert watcher.next_interval() == pytest.approx(2.0)
    clock.now = 300.5
    watcher.poll()  # the change
    assert watcher.next_interval() == 0.25


def test_the_fixed_pace_stays_fixed() -> None:
    clock = DrivenClock()
    watcher = watcher_for(ScriptedScreen(clock, 1e9, 0), clock, FlowSettings())
    watcher.wait_for({ScreenState.SUCCESS}, 60, what="result", paced=False)
    assert set(clock.sleeps) == {0.25}
