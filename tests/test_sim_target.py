"""The simulated device as a Target: power, keyboard and screen over the model."""

from __future__ import annotations

import time

import numpy as np
import pytest

from harness.keys.vocabulary import key
from harness.sim.model import ManualClock
from harness.sim.view import View
from harness.targets import Capability, Keyboard, Power, PowerState, Screen
from harness.targets.sim import make_sim_target


class CountingRenderer:
    """A cheap stand-in for the renderer: one flat colour per screen, and a call count."""

    def __init__(self) -> None:
        self.calls: list[View] = []

    def __call__(self, view: View, size: tuple[int, int], artefacts: object) -> np.ndarray:
        self.calls.append(view)
        width, height = size
        image = np.zeros((height, width, 3), dtype=np.uint8)
        image[:, :, 0] = len(self.calls) % 256  # every render looks different
        return image


def target_with(scenario: str = "success", **kwargs):
    clock = ManualClock()
    renderer = CountingRenderer()
    target = make_sim_target(
        scenario, size=(64, 48), clock=clock, render_bgr=renderer, time_scale=60.0, **kwargs
    )
    return target, clock, renderer


def press_windows_five_times(target, clock: ManualClock) -> None:
    for _ in range(5):
        target.keyboard.press(key("leftsuper"))
        clock.advance(0.2)


def test_parts_implement_the_protocols_with_power_and_capture_events() -> None:
    target, _clock, _renderer = target_with()
    assert isinstance(target.power, Power)
    assert isinstance(target.keyboard, Keyboard)
    assert isinstance(target.screen, Screen)
    # The screen reports its own capture events (connection lost / reconnected), as capture does.
    assert target.capabilities == frozenset({Capability.POWER, Capability.EVENTS})
    assert target.name == "sim:success"


def test_power_state_follows_the_model() -> None:
    target, _clock, _renderer = target_with()
    assert target.power_state() is PowerState.OFF
    target.power.power_on()
    assert target.power_state() is PowerState.ON
    target.power.power_off()
    assert target.power_state() is PowerState.OFF


def test_frames_are_rendered_bgr_of_the_size_and_cached_per_view() -> None:
    target, clock, renderer = target_with()
    target.power.power_on()
    clock.advance(1.0)
    frame = target.screen.grab()
    assert frame.image.shape == (48, 64, 3)
    assert frame.source == "sim:success"
    assert renderer.calls[-1].screen == "oobe-region"
    again = target.screen.grab()
    assert len(renderer.calls) == 1
    assert again.image is frame.image
    assert again.timestamp >= frame.timestamp
    assert not frame.image.flags.writeable


def test_keyboard_walk_to_the_green_screen_and_reseal_powers_off() -> None:
    target, clock, renderer = target_with()
    target.power.power_on()
    clock.advance(1.0)
    press_windows_five_times(target, clock)
    target.screen.grab()
    assert renderer.calls[-1].screen == "options"
    target.keyboard.press(key("down"))
    target.keyboard.press(key("tab"))
    target.keyboard.press(key("enter"))
    target.screen.grab()
    assert renderer.calls[-1].screen == "configuration"
    target.keyboard.press(key("enter"))
    clock.advance(600.0 / 60.0)
    target.screen.grab()
    assert renderer.calls[-1].screen == "success"
    target.keyboard.press(key("enter"))
    clock.advance(1.0)
    assert target.power_state() is PowerState.OFF
    target.screen.grab()
    assert renderer.calls[-1].screen == "off"


def test_chord_sends_the_last_key_with_the_others_held() -> None:
    target, clock, renderer = target_with("tpm-attestation-failure", windows=11)
    target.power.power_on()
    clock.advance(1.0)
    press_windows_five_times(target, clock)
    target.keyboard.press(key("down"))
    target.keyboard.press(key("enter"))
    target.keyboard.press(key("enter"))
    clock.advance(300.0 / 60.0)
    target.keyboard.chord([key("leftctrl"), key("leftshift"), key("d")])
    target.screen.grab()
    assert renderer.calls[-1].screen == "diagnostics"
    assert renderer.calls[-1].windows == 11


def test_a_frozen_display_keeps_delivering_the_last_picture() -> None:
    target, clock, renderer = target_with("frozen-screen")
    target.power.power_on()
    clock.advance(1.0)
    press_windows_five_times(target, clock)
    for name in ("down", "enter", "enter"):
        target.keyboard.press(key(name))
    clock.advance(30.0 / 60.0)
    before = target.screen.grab()
    assert renderer.calls[-1].screen == "esp"
    clock.advance(300.0 / 60.0)  # the model moved on (frozen after 60 s of ESP)
    renders = len(renderer.calls)
    frozen = target.screen.grab()
    assert len(renderer.calls) == renders
    assert frozen.image is before.image


def test_overrides_and_seed_reach_the_model() -> None:
    target, _clock, _renderer = target_with("lost-keys", seed=5, overrides={"drop_fraction": 0.5})
    device = target.keyboard.device
    assert device.scenario.seed == 5
    assert device.scenario.drop_fraction == 0.5
    with pytest.raises(ValueError, match="'bogus'"):
        target_with(overrides={"bogus": 1})


def test_the_real_renderer_draws_the_first_page() -> None:
    pytest.importorskip("harness.sim.render.bgr")
    clock = ManualClock()
    target = make_sim_target("success", size=(320, 240), clock=clock)
    target.power.power_on()
    clock.advance(1.0)
    frame = target.screen.grab()
    assert frame.image.shape == (240, 320, 3)
    assert frame.image.dtype == np.uint8
    # Windows 10 OOBE blue (approx. RGB 0,66,117) dominates: B > R in BGR order.
    blue, _green, red = frame.image.reshape(-1, 3).mean(axis=0)
    assert blue > red + 40


def test_pointer_clicks_drawn_buttons_and_ignores_empty_space() -> None:
    from harness.sim.render.renderer import render_with_hotspots

    target = make_sim_target("success", size=(1024, 768), time_scale=600.0, pointer=True)
    device = target.keyboard.device
    target.power.power_on()
    deadline = time.monotonic() + 10
    while device.view().screen != "oobe-region" and time.monotonic() < deadline:
        time.sleep(0.01)
    for _ in range(5):
        target.keyboard.press(key("leftsuper"))
    assert device.view().screen == "options"
    target.pointer.click(5, 5)  # nothing drawn there
    assert device.view().screen == "options"
    target.keyboard.press(key("down"))
    _, hotspots = render_with_hotspots(device.view(), (1024, 768))
    left, top, right, bottom = hotspots["Continue"]
    target.pointer.click((left + right) // 2, (top + bottom) // 2)
    assert device.view().screen == "configuration"
    assert target.pointer.clicks[-1][2] == "Continue"
