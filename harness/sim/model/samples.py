"""A View of any screen, made by walking a simulated device there with a manual clock.

Used by the renderer's CLI (``harness sim render --screen failure``) and by tests that need a
realistic View without writing the walk themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.sim.model.clock import ManualClock
from harness.sim.model.device import SimDevice
from harness.sim.model.esp import EspTimeline
from harness.sim.view import SCREENS, View

DEFAULT_SCENARIOS = {
    "failure": "tpm-attestation-failure",
    "diagnostics": "tpm-attestation-failure",
    "something-went-wrong": "update-error",
}
"""The scenario used for a screen when none is given (the others use ``success``)."""

_PRESS_GAP_S = 0.2
"""Real seconds between walked key presses: well inside the Windows-key window."""


class DeviceWalker:
    """Drives a SimDevice through the technician flow by hand (manual clock, no sleeps)."""

    def __init__(
        self,
        scenario: str = "success",
        windows: int = 10,
        overrides: Mapping[str, Any] | None = None,
        time_scale: float = 1.0,
    ) -> None:
        self.clock = ManualClock()
        merged = {"windows": windows, **dict(overrides or {})}
        self.device = SimDevice(scenario, overrides=merged, clock=self.clock, time_scale=time_scale)

    def press(self, name: str, *modifiers: str) -> None:
        """Wait the pace of a quick typist, then press (so the result can be looked at at once)."""
        self.clock.advance(_PRESS_GAP_S)
        self.device.press(name, modifiers=modifiers)

    def wait_for(self, screen: str, limit_s: float = 100_000.0, step_s: float = 1.0) -> View:
        """Advance the clock until ``screen`` shows; ValueError naming what showed instead."""
        waited = 0.0
        while True:
            view = self.device.view()
            if view.screen == screen:
                return view
            if waited >= limit_s:
                raise ValueError(f"the device never showed {screen!r}; it shows {view.screen!r}")
            self.clock.advance(step_s)
            waited += step_s

    def to_first_page(self) -> View:
        self.device.power_on()
        return self.wait_for(self.device.scenario.first_page)

    def to_options(self) -> View:
        self.to_first_page()
        for _ in range(self.device.scenario.windows_key_presses):
            self.press("leftsuper")
        return self.wait_for("options", limit_s=0)

    def to_configuration(self) -> View:
        self.to_options()
        self.press("down")
        self.press("enter")
        return self.wait_for("configuration", limit_s=0)

    def to_esp(self) -> View:
        self.to_configuration()
        self.press("enter")
        return self.wait_for("esp", limit_s=0)

    def to_result(self) -> View:
        self.to_esp()
        outcome = "failure" if self.device.scenario.fails else "success"
        return self.wait_for(outcome, step_s=5.0)


def view_for(
    screen: str,
    windows: int = 10,
    scenario: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> View:
    """The View a device in ``scenario`` shows on ``screen`` (mid-ESP for ``esp``)."""
    if screen not in SCREENS:
        raise ValueError(f"unknown screen {screen!r}; known: {', '.join(SCREENS)}")
    if screen in ("firmware", "black"):
        return View(screen=screen, windows=windows)
    name = scenario or DEFAULT_SCENARIOS.get(screen, "success")
    if screen.startswith("oobe-"):
        overrides = {"first_page": screen, **dict(overrides or {})}
    walker = DeviceWalker(name, windows, overrides)
    if screen == "off":
        return walker.device.view()
    if screen.startswith("oobe-"):
        return walker.to_first_page()
    if screen == "options":
        return walker.to_options()
    if screen == "configuration":
        return walker.to_configuration()
    if screen == "something-went-wrong":
        walker.to_options()
        walker.press("down")
        walker.press("enter")
        return walker.wait_for("something-went-wrong", limit_s=0)
    if screen == "esp":
        walker.to_esp()
        walker.clock.advance(_mid_esp_s(walker.device))
        return walker.wait_for("esp", limit_s=0)
    view = walker.to_result()
    if screen == "diagnostics":
        walker.press("d", "leftctrl", "leftshift")
        return walker.wait_for("diagnostics", limit_s=0)
    if view.screen != screen:
        raise ValueError(f"scenario {name!r} ends on {view.screen!r}, not {screen!r}")
    return view


def _mid_esp_s(device: SimDevice) -> float:
    """Real seconds to a moment in Device setup with apps half installed (or the failure)."""
    s = device.scenario
    if s.fails and s.failure_step is not None:
        # Just past the failure, so the ESP shows the code.
        return EspTimeline(s).finish_elapsed + 1.0
    work = s.tpm_s + s.join_s + s.register_s + s.prepare_s + s.identify_s
    work += s.policy_count * s.policy_s + s.app_count * s.app_s / 2 + 1.0
    return work
