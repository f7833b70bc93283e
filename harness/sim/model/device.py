"""The simulated device: Windows OOBE in the technician flow, driven by key names and time.

A stage machine (off, interlude, oobe, options, configuration, esp, result, diagnostics,
something-went-wrong). Time-driven transitions (firmware, reboots, ESP progress, Reseal) are
applied lazily, in order and at their exact simulated time, whenever the device is looked at or
pressed, so the sequence of screens is the same at every time scale. "Interlude" is a timed run
of screens without interaction (firmware after power-on, black + firmware on a reboot).

Keyboard behaviour per screen (documented in docs/simulator.md):
- OOBE pages: Windows key (leftsuper/rightsuper) x5, each gap at most ``windows_key_gap_s`` real
  seconds, opens the options dialog; any other key restarts the count. Up/Down move the list
  selection, Enter goes to the next OOBE page.
- options: Up/Down move the selected tile (only while the tiles have focus); Tab / Shift+Tab move
  focus between the tiles and the button; Enter confirms the selected tile whichever control has
  focus; Space confirms only on the button; Escape returns to the OOBE page.
- configuration: focus starts on the primary button (Provision / Next); Tab / Shift+Tab cycle
  Refresh <-> Provision; Enter or Space activates the focused button.
- result: Tab / Shift+Tab cycle the controls (Windows 10 red: View diagnostics -> Retry -> Reset;
  focus starts on Retry, or Reseal on green); Enter or Space activates; Ctrl+Shift+D opens the
  diagnostics page on either version.
- diagnostics: Tab cycles Close <-> Export logs (focus starts on Close); Enter/Space activates;
  Escape closes.
- something-went-wrong: Tab cycles Try again <-> Skip; Enter/Space: both return to the first
  OOBE page (the options dialog has to be opened again).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from harness.sim.model import pages
from harness.sim.model import texts as t
from harness.sim.model.clock import Clock, SystemClock
from harness.sim.model.diagnostics import diagnostics_data
from harness.sim.model.esp import EspTimeline
from harness.sim.model.focus import FocusRing
from harness.sim.model.key_loss import KeyLoss
from harness.sim.model.profile_service import ProfileService
from harness.sim.model.scenario import Scenario, with_overrides
from harness.sim.model.scenario import scenario as named_scenario
from harness.sim.model.windows_key import WindowsKeyCounter
from harness.sim.view import View

WINDOWS_KEYS = frozenset({"leftsuper", "rightsuper"})
_CTRL = frozenset({"leftctrl", "rightctrl"})
_SHIFT = frozenset({"leftshift", "rightshift"})


class SimDevice:
    """One simulated device. ``time_scale`` 60 makes an hour of device time last a real minute."""

    def __init__(
        self,
        scenario: Scenario | str = "success",
        *,
        overrides: Mapping[str, Any] | None = None,
        clock: Clock | None = None,
        time_scale: float = 1.0,
        profile_service: ProfileService | None = None,
    ) -> None:
        """``profile_service``: where the configuration screen's profile, organization and user
        come from (read when it opens and on Refresh) and where Provision enrols; None: the
        scenario's own values."""
        if isinstance(scenario, str):
            self.scenario = named_scenario(scenario, overrides)
        else:
            self.scenario = with_overrides(scenario, overrides)
        if time_scale <= 0:
            raise ValueError(f"time_scale must be positive: {time_scale}")
        self._clock = clock or SystemClock()
        self._scale = time_scale
        self._origin = self._clock.monotonic()
        self._key_loss = KeyLoss(self.scenario.drop_fraction, self.scenario.seed)
        self._windows_key = WindowsKeyCounter(
            self.scenario.windows_key_presses, self.scenario.windows_key_gap_s
        )
        self.events: list[tuple[float, str]] = []
        """(simulated seconds, what happened), oldest first: screens, keys, power, actions."""
        self._stage = "off"
        self._since = 0.0
        self._shown = "off"
        self._frozen = False
        self._interlude: list[tuple[str, float]] = []
        self._after_interlude: Callable[[float], None] = self._enter_oobe
        self._page = t.OOBE_PAGES.index(self.scenario.first_page)
        self._selection: dict[str, int] = {}
        self._tile = 0
        self._focus = FocusRing(["none"])
        self._profile = self.scenario.profile
        self._timeline: EspTimeline | None = None
        self._reboot_changes_done = 0
        self._update_errors_left = self.scenario.update_error_count
        self._problem: tuple[str, str | None] = ("", None)
        self._provisioned_at: float | None = None
        self._lost_first_press = self.scenario.lost_first_press_on is not None
        self._profile_service = profile_service
        self._served: Mapping[str, str | None] | None = None

    # ----------------------------------------------------------------- time and power
    @property
    def sim_time(self) -> float:
        """Simulated seconds since the device was created."""
        return (self._clock.monotonic() - self._origin) * self._scale

    @property
    def powered(self) -> bool:
        self._advance()
        return self._stage != "off"

    @property
    def screen(self) -> str:
        """The name of the screen shown now (no data built)."""
        self._advance()
        return self._shown

    def power_on(self) -> None:
        self._advance()
        if self._stage != "off":
            return
        now = self.sim_time
        self._log(now, "power-on")
        self._page = t.OOBE_PAGES.index(self.scenario.first_page)
        self._start_interlude(now, [("firmware", self.scenario.boot_s)], self._enter_oobe)

    def power_off(self) -> None:
        self._advance()
        if self._stage == "off":
            return
        self._switch_off(self.sim_time, "power-off")

    # ----------------------------------------------------------------- what is shown
    def view(self) -> View:
        self._advance()
        return View(
            screen=self._shown,
            windows=self.scenario.windows,
            data=self._data(),
            frozen=self._frozen,
        )

    def _data(self) -> dict[str, Any]:
        s, stage = self.scenario, self._stage
        if stage == "oobe":
            page = t.OOBE_PAGES[self._page]
            return pages.oobe_page(s.windows, page, self._selection.get(page))
        if stage == "options":
            return pages.options(s.windows, self._tile, self._focus.focused)
        if self._served is not None:
            # What the tenant's service sent: it replaces the scenario's own values.
            s = replace(s, organization=self._served["organization"], user=self._served["user"])
        if stage == "configuration":
            return pages.configuration(s, self._profile, self._focus.focused)
        if stage == "esp" and self._timeline is not None:
            return self._timeline.snapshot(self.sim_time - self._since).data
        if stage == "result" and self._timeline is not None:
            return pages.result(
                s,
                self._profile,
                self._timeline.outcome,
                self._timeline.result_elapsed,
                self._focus.focused,
            )
        if stage == "diagnostics" and self._timeline is not None:
            return diagnostics_data(s, self._timeline, self._focus.focused)
        if stage == "something-went-wrong":
            message, code = self._problem
            return pages.something_went_wrong(s.windows, message, code, self._focus.focused)
        return {}

    # ----------------------------------------------------------------- keys
    def press(self, name: str, modifiers: Iterable[str] = ()) -> bool:
        """Press one key (canonical name) with modifiers held. False when it was lost or ignored."""
        self._advance()
        now = self.sim_time
        held = frozenset(modifiers)
        label = "+".join([*sorted(held), name])
        if self._key_loss.drops() or self._loses_this_press():
            self._log(now, f"key-dropped {label}")
            return False
        if self._stage in ("off", "interlude") or (self._stage == "esp" and self._shown != "esp"):
            self._log(now, f"key-ignored {label}")
            return False
        self._log(now, f"key {label}")
        ctrl, shift = bool(held & _CTRL), bool(held & _SHIFT)
        handler = getattr(self, "_key_" + self._stage.replace("-", "_"))
        handler(now, name, ctrl, shift)
        return True

    def _loses_this_press(self) -> bool:
        """The ``lost_first_press_on`` fault: the first press on that screen never arrives."""
        if self._lost_first_press and self._shown == self.scenario.lost_first_press_on:
            self._lost_first_press = False
            return True
        return False

    def capture_fault(self) -> str | None:
        """The capture fault in effect now (``stall``, ``cut``) or None: see
        ``Scenario.capture_fault``. Counted from the first Provision."""
        self._advance()
        s = self.scenario
        if s.capture_fault is None or self._provisioned_at is None:
            return None
        start = self._provisioned_at + s.capture_fault_after_s
        now = self.sim_time
        if now < start or (
            s.capture_fault_for_s is not None and now >= start + s.capture_fault_for_s
        ):
            return None
        return s.capture_fault

    def click(self, control: str) -> bool:
        """A mouse click on the control labelled ``control`` (a button or link): it takes the
        focus and is activated, as Enter on it would. False when the screen has no such control
        (a click on nothing does nothing, as on a real screen)."""
        self._advance()
        now = self.sim_time
        if self._stage in ("off", "interlude") or not self._focus.focus(control):
            self._log(now, f"click-ignored {control}")
            return False
        self._log(now, f"click {control}")
        handler = getattr(self, "_key_" + self._stage.replace("-", "_"))
        handler(now, "enter" if self._stage != "options" else "space", False, False)
        return True

    def _key_oobe(self, now: float, name: str, ctrl: bool, shift: bool) -> None:
        if name in WINDOWS_KEYS:
            if self._windows_key.press(self._clock.monotonic()):
                self._enter_options(now)
            return
        self._windows_key.reset()
        page = t.OOBE_PAGES[self._page]
        items = t.texts(self.scenario.windows)[page].get("items")
        if name in ("up", "down") and items:
            current = self._selection.get(page, t.texts(self.scenario.windows)[page]["selected"])
            step = 1 if name == "down" else -1
            self._selection[page] = min(max(current + step, 0), len(items) - 1)
        elif name == "enter" and self._page < len(t.OOBE_PAGES) - 1:
            self._page += 1
            self._enter(now, "oobe", t.OOBE_PAGES[self._page])

    def _key_options(self, now: float, name: str, ctrl: bool, shift: bool) -> None:
        on_tiles = self._focus.focused == "tiles"
        if name in ("up", "down") and on_tiles:
            step = 1 if name == "down" else -1
            self._tile = min(
                max(self._tile + step, 0), len(t.texts(self.scenario.windows)["tiles"]) - 1
            )
        elif name == "tab":
            self._focus.move(backwards=shift)
        elif name == "enter" or (name == "space" and not on_tiles):
            self._confirm_option(now)
        elif name in ("esc", "escape"):
            self._enter(now, "oobe", t.OOBE_PAGES[self._page])

    def _confirm_option(self, now: float) -> None:
        words = t.texts(self.scenario.windows)
        self._log(now, f"option {words['tiles'][self._tile]['title']}")
        if self._tile == 0:
            self._show_problem(now, words["no_package_message"], None)
        elif self._tile == t.PROVISIONING_TILE:
            if self.scenario.update_error_code and self._update_errors_left > 0:
                self._update_errors_left -= 1
                message = words["something_went_wrong_message"]
                self._show_problem(now, message, self.scenario.update_error_code)
            else:
                self._profile = self.scenario.profile
                self._read_profile_service()
                self._focus = FocusRing(
                    words["configuration_buttons"], words["configuration_buttons"][-1]
                )
                self._enter(now, "configuration", "configuration")
        else:
            self._reboot(now, "reset-device")

    def _key_configuration(self, now: float, name: str, ctrl: bool, shift: bool) -> None:
        if name == "tab":
            self._focus.move(backwards=shift)
        elif name in ("enter", "space"):
            if self._focus.focused == "Refresh":
                self._profile = self.scenario.profile_after_refresh or self._profile
                self._read_profile_service()
                self._log(now, "refresh")
            else:
                self._start_esp(now)

    def _key_esp(self, now: float, name: str, ctrl: bool, shift: bool) -> None:
        """The ESP takes no keys in the technician flow."""

    def _key_result(self, now: float, name: str, ctrl: bool, shift: bool) -> None:
        if ctrl and shift and name == "d":
            self._enter_diagnostics(now)
        elif name == "tab":
            self._focus.move(backwards=shift)
        elif name in ("enter", "space"):
            control = self._focus.focused
            self._log(now, f"activate {control}")
            if control == "Reseal":
                self._reseal(now)
            elif control == "Retry":
                self._start_esp(now)
            elif control == "Reset":
                self._reboot(now, "reset")
            else:
                self._enter_diagnostics(now)

    def _key_diagnostics(self, now: float, name: str, ctrl: bool, shift: bool) -> None:
        if name == "tab":
            self._focus.move(backwards=shift)
        elif name in ("esc", "escape") or (
            name in ("enter", "space") and self._focus.focused == "Close"
        ):
            self._enter_result(now)
        elif name in ("enter", "space"):
            self._log(now, "export-logs")

    def _key_something_went_wrong(self, now: float, name: str, ctrl: bool, shift: bool) -> None:
        if name == "tab":
            self._focus.move(backwards=shift)
        elif name in ("enter", "space"):
            self._log(now, f"activate {self._focus.focused}")
            self._enter_oobe(now)

    # ----------------------------------------------------------------- transitions
    def _enter(self, at: float, stage: str, screen: str) -> None:
        self._stage, self._since = stage, at
        if screen != self._shown:
            self._log(at, f"screen {screen}")
        self._shown = screen

    def _enter_oobe(self, at: float) -> None:
        self._windows_key.reset()
        self._enter(at, "oobe", t.OOBE_PAGES[self._page])

    def _enter_options(self, at: float) -> None:
        self._tile = 0
        self._focus = FocusRing(["tiles", *t.texts(self.scenario.windows)["options_buttons"]])
        self._enter(at, "options", "options")

    def _read_profile_service(self) -> None:
        if self._profile_service is None:
            return
        served = self._profile_service.configuration()
        if served is not None:
            self._served = served
            self._profile = served.get("profile")

    def _start_esp(self, at: float) -> None:
        self._log(at, "provision")
        refused = self._profile_service.enroll() if self._profile_service else None
        if refused:
            # The tenant refused the enrolment: the ESP fails where Windows enrols in MDM.
            self._log(at, f"enrollment-refused {refused}")
            self.scenario = replace(
                self.scenario, failure_step=t.REGISTERING_MDM, failure_code=refused
            )
        if self._provisioned_at is None:
            self._provisioned_at = at
        self._timeline = EspTimeline(self.scenario)
        self._reboot_changes_done = 0
        self._enter(at, "esp", "esp")

    def _enter_result(self, at: float) -> None:
        assert self._timeline is not None
        outcome = self._timeline.outcome
        controls = pages.result_controls(self.scenario.windows, outcome)
        self._focus = FocusRing(controls, "Reseal" if outcome == "success" else "Retry")
        self._enter(at, "result", outcome)

    def _enter_diagnostics(self, at: float) -> None:
        self._focus = FocusRing(t.texts(self.scenario.windows)["diagnostics_buttons"])
        self._enter(at, "diagnostics", "diagnostics")

    def _show_problem(self, at: float, message: str, code: str | None) -> None:
        self._problem = (message, code)
        self._focus = FocusRing(t.texts(self.scenario.windows)["something_went_wrong_buttons"])
        self._enter(at, "something-went-wrong", "something-went-wrong")

    def _reseal(self, at: float) -> None:
        self._log(at, "reseal")
        s = self.scenario
        if s.reseal_powers_off:
            self._start_interlude(at, [("black", s.shutdown_s)], self._reseal_power_off)
        else:
            self._page = t.OOBE_PAGES.index(s.first_page)
            screens = [("black", s.shutdown_s), ("firmware", s.boot_s)]
            self._start_interlude(at, screens, self._enter_oobe)

    def _reseal_power_off(self, at: float) -> None:
        self._switch_off(at, "power-off reseal")

    def _reboot(self, at: float, why: str) -> None:
        self._log(at, f"reboot {why}")
        s = self.scenario
        self._page = t.OOBE_PAGES.index(s.first_page)
        self._timeline = None
        screens = [("black", s.reboot_black_s), ("firmware", s.boot_s)]
        self._start_interlude(at, screens, self._enter_oobe)

    def _switch_off(self, at: float, what: str) -> None:
        self._log(at, what)
        self._frozen = False
        self._timeline = None
        self._windows_key.reset()
        self._update_errors_left = self.scenario.update_error_count
        self._enter(at, "off", "off")

    def _start_interlude(
        self, at: float, screens: list[tuple[str, float]], then: Callable[[float], None]
    ) -> None:
        self._interlude = list(screens)
        self._after_interlude = then
        self._enter(at, "interlude", screens[0][0])

    # ----------------------------------------------------------------- the passing of time
    def _advance(self) -> None:
        """Apply every time-driven transition due by now, in order, each at its own time."""
        now = self.sim_time
        while True:
            due, fire = self._next_transition()
            if fire is None or due > now:
                return
            fire(due)

    def _next_transition(self) -> tuple[float, Callable[[float], None] | None]:
        stage_due, stage_fire = self._stage_transition()
        s = self.scenario
        if s.freeze_on is not None and not self._frozen and self._freeze_watch() == s.freeze_on:
            freeze_due = self._since + s.freeze_after_s
            if stage_fire is None or freeze_due <= stage_due:
                return freeze_due, self._freeze
        return stage_due, stage_fire

    def _freeze_watch(self) -> str:
        """The screen the freeze timer watches: the ESP stage counts as ``esp`` across reboots."""
        return "esp" if self._stage == "esp" else self._shown

    def _freeze(self, at: float) -> None:
        self._frozen = True
        self._log(at, "display-frozen")

    def _stage_transition(self) -> tuple[float, Callable[[float], None] | None]:
        if self._stage == "interlude":
            return self._since + self._interlude[0][1], self._next_interlude_screen
        if self._stage == "esp" and self._timeline is not None:
            changes = self._timeline.screen_changes()
            if self._reboot_changes_done < len(changes):
                elapsed, _screen = changes[self._reboot_changes_done]
                return self._esp_start + elapsed, self._esp_reboot_step
            return self._esp_start + self._timeline.result_elapsed, self._enter_result
        return 0.0, None

    @property
    def _esp_start(self) -> float:
        return self._since if self._stage == "esp" else 0.0

    def _next_interlude_screen(self, at: float) -> None:
        self._interlude.pop(0)
        if self._interlude:
            self._since = at
            screen = self._interlude[0][0]
            if screen != self._shown:
                self._log(at, f"screen {screen}")
            self._shown = screen
        else:
            self._after_interlude(at)

    def _esp_reboot_step(self, at: float) -> None:
        assert self._timeline is not None
        _elapsed, screen = self._timeline.screen_changes()[self._reboot_changes_done]
        self._reboot_changes_done += 1
        if screen == "black":
            self._log(at, "reboot esp")
        if screen != self._shown:
            self._log(at, f"screen {screen}")
        self._shown = screen

    def _log(self, at: float, what: str) -> None:
        self.events.append((at, what))
