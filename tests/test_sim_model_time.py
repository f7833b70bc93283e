"""Time compression: the same scenario at different scales shows the same screens in order."""

from __future__ import annotations

import pytest

from harness.sim.model.samples import DeviceWalker


def run(scenario: str, time_scale: float) -> tuple[list[str], str]:
    """Screens the device went through, polled like a harness: every 0.25 real seconds.

    At a high scale a poll spans several short screens (a reboot's black and firmware); the
    device still passes through each of them, so its log of screens is the same at every scale.
    """
    walker = DeviceWalker(scenario, time_scale=time_scale)
    walker.to_esp()
    for _ in range(200_000):
        view = walker.device.view()
        if view.screen in ("success", "failure"):
            seen = [w.split(" ", 1)[1] for _, w in walker.device.events if w.startswith("screen ")]
            return seen, view.data["elapsed"]
        walker.clock.advance(0.25)
    raise AssertionError(f"no result at scale {time_scale}")


@pytest.mark.parametrize(
    "scenario", ["success", "tpm-attestation-failure", "reboot-during-esp", "reenrollment-blocked"]
)
def test_two_scales_give_the_same_screens_and_the_same_elapsed_time(scenario: str) -> None:
    slow_screens, slow_elapsed = run(scenario, time_scale=60.0)
    fast_screens, fast_elapsed = run(scenario, time_scale=600.0)
    assert slow_screens == fast_screens
    assert slow_elapsed == fast_elapsed


def test_event_logs_match_at_two_scales_when_every_transition_is_applied() -> None:
    def events(time_scale: float) -> list[str]:
        walker = DeviceWalker("reboot-during-esp", time_scale=time_scale)
        walker.to_result()
        return [what for _, what in walker.device.events]

    assert events(60.0) == events(3600.0)


def test_an_hour_of_esp_takes_a_real_minute_at_scale_60() -> None:
    walker = DeviceWalker("esp-timeout", time_scale=60.0)
    walker.to_esp()
    walker.clock.advance(59.0)
    assert walker.device.view().screen == "esp"
    walker.clock.advance(1.0 + 180.0 / 60.0 + 0.01)  # timeout, then 180 s on the failed ESP
    assert walker.device.view().screen == "failure"
