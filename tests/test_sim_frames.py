"""The simulated target's frames: virtual time, the frame-locked ESP animation, capture faults,
and a power control that cannot read its state."""

from __future__ import annotations

import numpy as np
import pytest

from harness.errors import NoFrame
from harness.sim.model.clock import VirtualClock
from harness.sim.view import DOT_FRAMES
from harness.targets.events import TargetEventKind
from harness.targets.protocols import PowerState, can_read_power_state
from harness.targets.sim import make_sim_target
from harness.vision.change import Change, ChangeDetector
from tests.flow_fakes import ViewPainter


def _at_esp(scenario: str = "success", **options):  # type: ignore[no-untyped-def]
    clock = VirtualClock(start=0.0)
    target = make_sim_target(scenario, clock=clock, **options)
    device = target.power.device  # type: ignore[union-attr]
    device.power_on()
    clock.advance(1.0)
    device._start_esp(device.sim_time)
    return target, clock, device


def test_a_virtual_clock_moves_only_when_slept_on() -> None:
    clock = VirtualClock(start=10.0)
    assert clock.monotonic() == 10.0
    clock.sleep(2.5)
    assert clock.monotonic() == 12.5
    target = make_sim_target("success", clock=clock, render_bgr=ViewPainter())
    assert target.clock is clock  # the flow drives the device's time
    assert make_sim_target("success", render_bgr=ViewPainter()).clock is None


def test_a_living_esp_never_gives_two_identical_frames_and_the_change_is_an_animation() -> None:
    target, clock, _device = _at_esp(size=(1024, 768))
    detector = ChangeDetector()
    changes, animations = [], set()
    for _ in range(2 * DOT_FRAMES):
        clock.sleep(0.1)
        frame = target.screen.grab()
        changes.append(detector.compare(frame.image))
        animations.add(frame.image.tobytes())
    assert changes[0] is Change.CHANGED
    assert set(changes[1:]) == {Change.ANIMATED}
    assert len(animations) == DOT_FRAMES


def test_a_grab_without_time_passing_is_the_same_frame_and_step() -> None:
    target, clock, _device = _at_esp(render_bgr=ViewPainter())
    clock.sleep(0.1)
    first, again = target.screen.grab(), target.screen.grab()
    assert first.timestamp == again.timestamp
    assert np.array_equal(first.image, again.image)


def test_a_static_screen_gives_identical_frames() -> None:
    clock = VirtualClock(start=0.0)
    target = make_sim_target("success", clock=clock, render_bgr=ViewPainter())
    target.power.power_on()  # type: ignore[union-attr]
    clock.sleep(30.0)
    detector = ChangeDetector()
    seen = []
    for _ in range(3):
        clock.sleep(0.1)
        seen.append(detector.compare(target.screen.grab().image))
    assert seen == [Change.CHANGED, Change.IDENTICAL, Change.IDENTICAL]


def test_a_stalled_capture_repeats_its_frame_timestamp_and_all() -> None:
    target, clock, _device = _at_esp("capture-frozen", render_bgr=ViewPainter(), time_scale=60)
    clock.sleep(0.5)
    live = target.screen.grab()
    clock.sleep(2.0)  # 120 simulated seconds: past capture_fault_after_s
    assert target.screen.grab() is live  # the last frame delivered, with its old timestamp
    clock.sleep(5.0)
    assert target.screen.grab() is live


def test_a_cut_capture_has_no_frame_then_reconnects() -> None:
    target, clock, _device = _at_esp("capture-cut", render_bgr=ViewPainter(), time_scale=60)
    clock.sleep(1.5)  # 90 simulated seconds: cut from 60 to 180
    with pytest.raises(NoFrame, match="no signal"):
        target.screen.grab()
    clock.sleep(2.0)
    target.screen.grab()
    kinds = [event.kind for event in target.drain_events()]
    assert kinds == [TargetEventKind.CONNECTION_LOST, TargetEventKind.RECONNECTED]


def test_power_that_cannot_read_its_state_says_so() -> None:
    target = make_sim_target("power-unreadable", render_bgr=ViewPainter())
    assert not can_read_power_state(target.power)
    target.power.power_on()  # type: ignore[union-attr]
    assert target.power.power_state() is PowerState.UNKNOWN  # type: ignore[union-attr]
    assert target.power.device.powered  # type: ignore[union-attr]


def test_the_first_press_on_the_green_screen_is_lost_once() -> None:
    clock = VirtualClock(start=0.0)
    target = make_sim_target("reseal-key-lost", clock=clock, render_bgr=ViewPainter())
    device = target.power.device  # type: ignore[union-attr]
    device.power_on()
    clock.advance(1.0)
    device._start_esp(device.sim_time)
    clock.advance(20.0)
    assert device.screen == "success"
    assert device.press("enter") is False
    assert device.press("enter") is True
    assert [what for _, what in device.events if what.startswith("key")][-2:] == [
        "key-dropped enter",
        "key enter",
    ]
