"""The technician flow as an explicit state machine over the screens of the flow.

    POWER_ON -> OPEN_OPTIONS -> SELECT_PROVISIONING -> CHECK_CONFIGURATION -> PROVISION
      -> READ_RESULT -> (green) RESEAL -> DONE
                     -> (red)   DIAGNOSTICS -> DONE

Each state is one step with a time limit, recorded with its duration and a screenshot. A step
ends the run early by raising ``DeviceFailure`` (verdict ``failed``) or a ``RigError`` (verdict
``error``). Every key press is confirmed on screen, never by "sent OK" alone.
"""

from __future__ import annotations

import enum
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from harness.errors import KeyNotAccepted, UnknownScreen
from harness.flow.expectation import Expectation
from harness.flow.navigation import Navigation, load_navigation
from harness.flow.outcome import DeviceFailure
from harness.flow.recorder import Recorder, StepHandle
from harness.flow.settings import FlowSettings
from harness.flow.watcher import ScreenWatcher, Sighting
from harness.keys import key, run_script
from harness.targets.events import TargetEventKind
from harness.targets.protocols import PowerState
from harness.targets.target import Target
from harness.vision import Observation, ScreenState, Vision

log = logging.getLogger(__name__)

RESULT_STATES = (ScreenState.SUCCESS, ScreenState.FAILURE)
FIRST_SCREENS = (ScreenState.OOBE,)


class FlowState(enum.Enum):
    POWER_ON = "power-on"
    OPEN_OPTIONS = "open-options"
    SELECT_PROVISIONING = "select-provisioning"
    CHECK_CONFIGURATION = "check-configuration"
    PROVISION = "provision"
    READ_RESULT = "read-result"
    RESEAL = "reseal"
    DIAGNOSTICS = "diagnostics"
    DONE = "done"


@dataclass
class FlowOutcome:
    verdict: str
    reason: str
    result: str = "none"
    error_codes: list[str] = field(default_factory=list)


class TechnicianFlow:
    def __init__(
        self,
        target: Target,
        vision: Vision,
        expectation: Expectation,
        settings: FlowSettings,
        recorder: Recorder,
        *,
        windows: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.target = target
        self.vision = vision
        self.expectation = expectation
        self.settings = settings
        self.recorder = recorder
        self.windows = windows
        self._clock = clock
        self._sleep = sleep
        self.watcher = ScreenWatcher(
            target,
            vision,
            settings,
            record=lambda frame, state, changed: recorder.frame(
                frame, state.value if state else None, changed
            ),
            clock=clock,
            sleep=sleep,
        )
        self.state = FlowState.POWER_ON
        self._navigation: Navigation | None = None
        self._codes: list[str] = []
        self._error_text: str | None = None
        self._category: str | None = None
        self._result_seen = "none"
        self._options_recoveries = 0
        self._provision_started: float | None = None
        self._result_seen_at: float | None = None
        self._steps = {
            FlowState.POWER_ON: self._power_on,
            FlowState.OPEN_OPTIONS: self._open_options,
            FlowState.SELECT_PROVISIONING: self._select_provisioning,
            FlowState.CHECK_CONFIGURATION: self._check_configuration,
            FlowState.PROVISION: self._provision,
            FlowState.READ_RESULT: self._read_result,
            FlowState.RESEAL: self._reseal,
            FlowState.DIAGNOSTICS: self._diagnostics,
        }

    # -- the machine ---------------------------------------------------------------------

    def run(self) -> FlowOutcome:
        """Walk the states until DONE. Exceptions (DeviceFailure, RigError) propagate."""
        self._outcome: FlowOutcome | None = None
        while self.state is not FlowState.DONE:
            step = self._steps[self.state]
            with self.recorder.step(self.state.value) as handle:
                next_state = step(handle)
                last = self.watcher.last
                if last is not None:
                    handle.frame = last.frame
                    handle.screen_state = last.state.value
            self.transition(next_state)
        assert self._outcome is not None
        return self._outcome

    def transition(self, state: FlowState) -> None:
        if state is not self.state:
            log.debug("flow: %s -> %s", self.state.value, state.value)
            self.state = state

    # -- steps -----------------------------------------------------------------------------

    def _power_on(self, handle: StepHandle) -> FlowState:
        with self.recorder.phase("power_on_to_oobe"):
            power = self.target.power
            if power is not None and self.settings.power_on:
                if power.power_state() is PowerState.ON:
                    handle.detail = "device was on: powered it off first for a clean start"
                    self.recorder.event("power", "hard power-off before the run")
                    power.power_off()
                    self._wait_power_state(PowerState.OFF, self.settings.poweroff_timeout_s)
                power.power_on()
                self.recorder.event("power", "power on")
            sighting = self.watcher.wait_for(
                (*FIRST_SCREENS, ScreenState.OPTIONS, ScreenState.SOMETHING_WENT_WRONG),
                self.settings.boot_timeout_s,
                what="first OOBE screen",
            )
            if sighting is None:
                raise self.watcher.unexpected_screen(
                    "first OOBE screen", self.settings.boot_timeout_s
                )
            self._learn_windows(sighting.observation)
            if sighting.state is ScreenState.SOMETHING_WENT_WRONG:
                raise self._something_went_wrong("at start")
            if sighting.state is ScreenState.OPTIONS:
                handle.detail = "the options dialog was already open"
                return FlowState.SELECT_PROVISIONING
        return FlowState.OPEN_OPTIONS

    def _open_options(self, handle: StepHandle) -> FlowState:
        settings = self.settings
        windows_key = key("leftsuper")
        with self.recorder.phase("windows_keys_to_options"):
            for round_number in range(1, settings.windows_key_rounds + 1):
                if round_number > 1:
                    handle.retries += 1
                    self.recorder.event(
                        "retry", f"Windows key x5 again (round {round_number}): no options dialog"
                    )
                for _ in range(5):
                    self.target.keyboard.press(windows_key, settings.key_hold_s)
                    self._sleep(settings.windows_key_pacing_s)
                if self._options_appeared(0.0):
                    return self._opened(handle, round_number)
                # Keys get lost: keep the series going one press at a time, looking after each,
                # so that presses that did arrive still count towards the five.
                for extra in range(settings.extra_windows_presses):
                    self.target.keyboard.press(windows_key, settings.key_hold_s)
                    if self._options_appeared(settings.windows_key_pacing_s):
                        handle.extra["extra_presses"] = extra + 1
                        self.recorder.event(
                            "retry", f"options dialog after {extra + 1} extra Windows-key presses"
                        )
                        return self._opened(handle, round_number)
                if self._options_appeared(settings.options_wait_s):
                    return self._opened(handle, round_number)
                last = self.watcher.last
                if last is not None and last.state is ScreenState.SOMETHING_WENT_WRONG:
                    raise self._something_went_wrong("after the Windows-key presses")
        raise KeyNotAccepted(
            f"the options dialog did not open after {settings.windows_key_rounds} rounds of "
            "Windows-key presses: the keys are not reaching the device"
        )

    def _opened(self, handle: StepHandle, round_number: int) -> FlowState:
        handle.detail = f"options dialog open after round {round_number}"
        return FlowState.SELECT_PROVISIONING

    def _options_appeared(self, wait_s: float) -> bool:
        return (
            self.watcher.wait_for((ScreenState.OPTIONS,), wait_s, what="options dialog") is not None
        )

    def _select_provisioning(self, handle: StepHandle) -> FlowState:
        pattern = re.compile(self.settings.provisioning_tile, re.IGNORECASE)
        with self.recorder.phase("options_to_configuration"):
            selected = self._selected_tile()
            moves = 0
            while not (selected and pattern.search(selected)):
                if moves >= 2 + 2 * self.settings.navigation_retries:
                    raise KeyNotAccepted(
                        "could not move the selection to the provisioning tile "
                        f"(/{self.settings.provisioning_tile}/); selected: {selected!r}"
                    )
                self._run_keys("next_tile")
                moves += 1
                self.watcher.wait_for(
                    (ScreenState.OPTIONS,), self.settings.poll_interval_s * 4, what="options dialog"
                )
                selected = self._selected_tile()
            handle.detail = f"selected {selected!r} after {moves} move(s)"
            self.recorder.event("selected", f"tile {selected!r} confirmed on screen")
            sighting = self._act_until(
                "confirm_options",
                leave=(ScreenState.OPTIONS,),
                handle=handle,
            )
            if sighting.state is ScreenState.SOMETHING_WENT_WRONG:
                raise self._something_went_wrong("after Continue")
            if sighting.state is ScreenState.CONFIGURATION:
                return FlowState.CHECK_CONFIGURATION
            if sighting.state in FIRST_SCREENS and self._options_recoveries < 2:
                # Another dialog took us back to the start: open the options again.
                self._options_recoveries += 1
                self.recorder.event("recovery", "back at the first OOBE screen: reopening options")
                return FlowState.OPEN_OPTIONS
            configuration = self.watcher.wait_for(
                (ScreenState.CONFIGURATION, ScreenState.SOMETHING_WENT_WRONG),
                self.settings.screen_timeout_s,
                what="configuration screen",
            )
            if configuration is None:
                raise self.watcher.unexpected_screen(
                    "configuration screen", self.settings.screen_timeout_s
                )
            if configuration.state is ScreenState.SOMETHING_WENT_WRONG:
                raise self._something_went_wrong("after Continue")
        return FlowState.CHECK_CONFIGURATION

    def _selected_tile(self) -> str | None:
        return self.watcher.observe().fields.selected_tile

    def _check_configuration(self, handle: StepHandle) -> FlowState:
        with self.recorder.phase("configuration_checks"):
            observation = self._observe_with_fields(ScreenState.CONFIGURATION)
            self._record_fields(observation)
            handle.detail = self._check_fields(observation, "configuration screen")
            if self.settings.refresh:
                self._act_until("refresh", leave=(), handle=handle, settle_s=1.0)
                self.watcher.require(
                    (ScreenState.CONFIGURATION,),
                    self.settings.screen_timeout_s,
                    what="configuration screen after Refresh",
                )
                observation = self._observe_with_fields(ScreenState.CONFIGURATION)
                self._record_fields(observation)
                handle.detail += "; after Refresh: " + self._check_fields(
                    observation, "configuration screen after Refresh"
                )
        return FlowState.PROVISION

    def _provision(self, handle: StepHandle) -> FlowState:
        self._provision_started = self._clock()
        with self.recorder.phase("provisioning"):
            self._act_until("provision", leave=(ScreenState.CONFIGURATION,), handle=handle)
            follower = _EspFollower(self)
            sighting = self.watcher.wait_for(
                RESULT_STATES,
                self.settings.esp_timeout_s,
                what="result screen",
                on_sighting=follower.see,
                frozen_limit_s=self.settings.frozen_screen_s,
            )
            follower.finish(self._clock())
            if sighting is None:
                last = self.watcher.last
                if last is not None and last.state is ScreenState.UNKNOWN:
                    raise self.watcher.unexpected_screen(
                        "result screen", self.settings.esp_timeout_s
                    )
                raise DeviceFailure(
                    f"the ESP did not finish within {self.settings.esp_timeout_s:.0f} s "
                    f"(last screen: {last.state.value if last else 'none'})"
                )
            self._result_seen_at = self._clock()
            handle.detail = f"{follower.reboots} reboot(s) seen; codes {self._codes or 'none'}"
        return FlowState.READ_RESULT

    def _read_result(self, handle: StepHandle) -> FlowState:
        last = self.watcher.last
        assert last is not None
        state = last.state
        observation = self._observe_with_fields(state)
        self._result_seen = "green" if state is ScreenState.SUCCESS else "red"
        self._record_fields(observation)
        self._collect_codes(observation)
        elapsed: dict[str, object] = {}
        if self._provision_started is not None and self._result_seen_at is not None:
            measured = self._result_seen_at - self._provision_started
            elapsed["elapsed_measured_s"] = round(measured, 3)
            if observation.fields.elapsed_s is not None:
                elapsed["elapsed_difference_s"] = round(observation.fields.elapsed_s - measured, 3)
        self.recorder.update(result=self._result_seen, fields=elapsed)
        handle.detail = f"{self._result_seen} result screen"
        if self._result_seen == "red":
            return FlowState.DIAGNOSTICS
        self._judge_colour()
        self._check_fields(observation, "result screen", require_shown=False)
        return FlowState.RESEAL

    def _reseal(self, handle: StepHandle) -> FlowState:
        with self.recorder.phase("result_to_reseal"):
            self.target.drain_events()
            self._run_keys("reseal")
            self.recorder.event("reseal", "Reseal pressed")
        with self.recorder.phase("reseal_to_power_off"):
            how = self._wait_powered_off(self.settings.poweroff_timeout_s)
            self.recorder.update(powered_off_after_reseal=how is not None)
            if how is None:
                raise DeviceFailure(
                    "Reseal did not power the device off: it did not power off within "
                    f"{self.settings.poweroff_timeout_s:.0f} s"
                )
            handle.detail = f"powered off ({how})"
        self._finish("passed", f"green result as expected; Reseal powered the device off ({how})")
        return FlowState.DONE

    def _diagnostics(self, handle: StepHandle) -> FlowState:
        try:
            self._collect_diagnostics(handle)
        except (KeyNotAccepted, UnknownScreen) as problem:
            # Diagnostics are evidence, not the verdict: a page that did not open is noted.
            handle.detail = f"diagnostics not collected: {problem}"
            self.recorder.event("diagnostics", str(problem))
        self._judge_colour()
        self._judge_codes()
        if self.settings.reset_after_red:
            self._run_keys("reset")
            self.recorder.event("reset", "Reset pressed after the red result")
        codes = ", ".join(self._codes) or "no code"
        self._finish("passed", f"red result as expected ({codes})")
        return FlowState.DONE

    # -- helpers ---------------------------------------------------------------------------

    def _collect_diagnostics(self, handle: StepHandle) -> None:
        sighting = self._act_until("open_diagnostics", leave=RESULT_STATES, handle=handle)
        if sighting.state is not ScreenState.DIAGNOSTICS:
            sighting = self.watcher.require(
                (ScreenState.DIAGNOSTICS,),
                self.settings.screen_timeout_s,
                what="diagnostics page",
            )
        observation = self.watcher.observe()
        self.recorder.diagnostics_screenshot("diagnostics", sighting.frame)
        self._collect_codes(observation)
        handle.detail = f"diagnostics page read; codes {self._codes or 'none'}"
        if self.settings.export_logs and self.windows == 11:
            self._run_keys("export_logs")
            self.recorder.event("diagnostics", "Export logs pressed")
            self._sleep(self.settings.poll_interval_s)
            after = self.watcher.poll()
            self.recorder.diagnostics_screenshot("export-logs", after.frame)
        self._act_until("close_diagnostics", leave=(ScreenState.DIAGNOSTICS,), handle=handle)

    def _act_until(
        self,
        action: str,
        *,
        leave: tuple[ScreenState, ...],
        handle: StepHandle,
        settle_s: float | None = None,
    ) -> Sighting:
        """Run an action's keys until the screen leaves ``leave`` (keys get lost: retry)."""
        for attempt in range(self.settings.navigation_retries + 1):
            if attempt:
                handle.retries += 1
                self.recorder.event("retry", f"{action}: the screen did not change, again")
            self._run_keys(action)
            deadline = self._clock() + (settle_s or self.settings.options_wait_s)
            while True:
                sighting = self.watcher.poll()
                if sighting.state not in leave and sighting.state is not ScreenState.UNKNOWN:
                    return sighting
                if self._clock() >= deadline:
                    break
                self._sleep(self.settings.poll_interval_s)
            if not leave:
                return sighting
        raise KeyNotAccepted(
            f"{action.replace('_', ' ')}: the screen stayed "
            f"{self.watcher.last.state.value if self.watcher.last else 'unknown'} after "
            f"{self.settings.navigation_retries + 1} attempts"
        )

    def _run_keys(self, action: str) -> None:
        """Do an action: click its button where the backend can and vision found it, else keys."""
        pointer = self.target.pointer
        labels = self._nav().click_labels.get(action, ())
        if pointer is not None and labels:
            wanted = {_normalise(label) for label in labels}
            for button in self.watcher.observe().fields.buttons:
                if _normalise(button.label) in wanted:
                    pointer.click(*button.centre)
                    self.recorder.event("click", f"{action}: {button.label!r} at {button.centre}")
                    return
        script = self._nav().script(action)
        run_script(
            script,
            self.target.keyboard,
            pacing_s=self.settings.windows_key_pacing_s,
            hold_s=self.settings.key_hold_s,
            sleep=self._sleep,
        )

    def _nav(self) -> Navigation:
        if self._navigation is None:
            self._navigation = load_navigation(self.windows or 10)
        return self._navigation

    def _learn_windows(self, observation: Observation) -> None:
        if self.windows is None and observation.windows in (10, 11):
            self.windows = observation.windows
            self.recorder.event("windows", f"Windows {self.windows} recognised on screen")

    def _observe_with_fields(self, state: ScreenState) -> Observation:
        """Observe, re-reading a couple of fresh frames when OCR left the key fields empty."""
        observation = self.watcher.observe()
        for _ in range(2):
            fields = observation.fields
            if state not in (ScreenState.CONFIGURATION, *RESULT_STATES) or (
                fields.profile and fields.organization
            ):
                break
            self._sleep(self.settings.poll_interval_s)
            self.watcher.poll()
            observation = self.watcher.observe()
        return observation

    def _record_fields(self, observation: Observation) -> None:
        fields = observation.fields
        values: dict[str, object] = {}
        for name in ("profile", "organization", "user"):
            value = getattr(fields, name)
            if value is not None:
                values[name] = value
        if observation.qr is not None and observation.qr.ztd_id:
            values["ztd_id"] = observation.qr.ztd_id
        if fields.elapsed_text is not None:
            values["elapsed_on_screen"] = fields.elapsed_text
            values["elapsed_on_screen_s"] = fields.elapsed_s
        if values:
            self.recorder.update(fields=values)

    def _check_fields(
        self, observation: Observation, where: str, *, require_shown: bool = True
    ) -> str:
        """Compare what the screen shows with the expectation.

        A shown value that differs is the device's fault (``DeviceFailure``). A value vision
        could not read at all is the rig's (``UnknownScreen``): a person must look. On the
        result screens (``require_shown=False``) only what is shown is compared: Windows 11 shows
        no QR code there.
        """
        expected = self.expectation
        fields = observation.fields
        qr = observation.qr
        seen = {
            "profile": fields.profile,
            "organization": fields.organization,
            "user": fields.user,
            "ztd_id": qr.ztd_id if qr else None,
        }
        checked = []
        for name, want in (
            ("profile", expected.profile),
            ("organization", expected.organization),
            ("user", expected.user),
            ("ztd_id", expected.ztd_id),
        ):
            if want is None:
                continue
            label = name.replace("_", " ").replace("ztd id", "ZtdId")
            got = seen[name]
            if got is None:
                if not require_shown:
                    continue
                if name == "ztd_id" and qr is not None and qr.raw is not None:
                    raise DeviceFailure(f"{where}: the QR code does not hold a ZtdId: {qr.error}")
                if name == "user":
                    raise DeviceFailure(f"{where} shows no assigned user, expected {want!r}")
                raise UnknownScreen(f"{where}: could not read the {label} (see the screenshot)")
            if _normalise(got) != _normalise(want):
                raise DeviceFailure(f"{where} shows {label} {got!r}, expected {want!r}")
            checked.append(name)
        return f"checked {', '.join(checked)}" if checked else "no field expectations"

    def _collect_codes(self, observation: Observation) -> None:
        for code in observation.fields.error_codes:
            if code not in self._codes:
                self._codes.append(code)
        if observation.fields.category is not None and self._category is None:
            self._category = observation.fields.category.value
        if observation.fields.error_text and not self._error_text:
            self._error_text = observation.fields.error_text
        self.recorder.update(error_codes=list(self._codes), category=self._category)

    def _judge_colour(self) -> None:
        want = self.expectation.result
        if self._result_seen != want:
            codes = f" ({', '.join(self._codes)})" if self._codes else ""
            raise DeviceFailure(
                f"expected a {want} result, the device showed {self._result_seen}{codes}"
            )

    def _judge_codes(self) -> None:
        expected = self.expectation
        if expected.codes:
            unexpected = [code for code in self._codes if code not in expected.codes]
            if not self._codes:
                raise DeviceFailure(
                    "red result without a readable error code; "
                    f"expected {', '.join(expected.codes)}"
                )
            if unexpected:
                raise DeviceFailure(
                    f"red result with unexpected code(s) {', '.join(unexpected)}; "
                    f"expected {', '.join(expected.codes)}"
                )
        if expected.category and self._category != expected.category:
            raise DeviceFailure(
                f"red result of category {self._category or 'unknown'}, "
                f"expected {expected.category}"
            )

    def _wait_powered_off(self, timeout_s: float) -> str | None:
        """How the power-off was seen (event, power state, lasting black), or None."""
        deadline = self._clock() + timeout_s
        black_since: float | None = None
        while self._clock() < deadline:
            for event in self.target.drain_events():
                self.recorder.event(event.kind.value, event.detail)
                if event.kind is TargetEventKind.POWERED_OFF:
                    return "lifecycle event"
            if self.target.power is not None:
                if self.target.power.power_state() is PowerState.OFF:
                    return "power state"
            else:
                sighting = self.watcher.poll()
                if sighting.state is ScreenState.BLACK:
                    black_since = black_since or self._clock()
                    if self._clock() - black_since >= self.settings.blank_poweroff_s:
                        return f"screen black for {self.settings.blank_poweroff_s:.0f} s"
                else:
                    black_since = None
            self._sleep(self.settings.poll_interval_s)
        return None

    def _wait_power_state(self, state: PowerState, timeout_s: float) -> None:
        deadline = self._clock() + timeout_s
        assert self.target.power is not None
        while self.target.power.power_state() is not state:
            if self._clock() >= deadline:
                raise UnknownScreen(f"power state did not become {state.value} in {timeout_s} s")
            self._sleep(self.settings.poll_interval_s)

    def _something_went_wrong(self, when: str) -> DeviceFailure:
        observation = self.watcher.observe()
        self._collect_codes(observation)
        text = observation.fields.message or observation.fields.error_text or ""
        title = observation.fields.title or "Something went wrong"
        detail = f": {text}" if text else ""
        return DeviceFailure(f"Windows showed {title!r} {when}{detail}")

    def _finish(self, verdict: str, reason: str) -> None:
        self._outcome = FlowOutcome(verdict, reason, self._result_seen, list(self._codes))


_DONE_STATUSES = ("complete", "failed", "no setup needed", "previous step failed")
_IDLE_STATUSES = ("waiting", "identifying")


class _EspFollower:
    """Reads the ESP while provisioning runs: codes, phase changes, reboots (black frames).

    Each ESP phase seen working becomes a sub-phase ``esp:<name>`` of the run's timings, from
    the first frame it was seen working to the first frame it was seen done.
    """

    def __init__(self, flow: TechnicianFlow) -> None:
        self.flow = flow
        self.reboots = 0
        self._in_blank = False
        self._phase_status: dict[str, str] = {}
        self._phase_started: dict[str, float] = {}
        self._phase_recorded: set[str] = set()

    def see(self, sighting: Sighting) -> None:
        flow = self.flow
        for event in flow.target.drain_events():
            flow.recorder.event(event.kind.value, event.detail)
            if event.kind is TargetEventKind.REBOOTED:
                self.reboots += 1
        if sighting.state is ScreenState.BLACK:
            if not self._in_blank:
                self._in_blank = True
                self.reboots += 1
                flow.recorder.event("reboot", "screen went black during provisioning")
            return
        if self._in_blank:
            self._in_blank = False
            flow.recorder.event("reboot", f"screen back: {sighting.state.value}")
        if sighting.state is ScreenState.ESP and sighting.changed:
            observation = flow.watcher.observe()
            flow._collect_codes(observation)
            for phase in observation.fields.esp_phases:
                previous = self._phase_status.get(phase.name)
                if previous != phase.status:
                    self._phase_status[phase.name] = phase.status
                    flow.recorder.event("esp", f"{phase.name}: {phase.status}")
                    self._time_phase(phase.name, phase.status, sighting.frame.timestamp)

    def _time_phase(self, name: str, status: str, at: float) -> None:
        lowered = status.lower()
        if name in self._phase_recorded or lowered.startswith(_IDLE_STATUSES):
            return
        if lowered.startswith(_DONE_STATUSES):
            start = self._phase_started.pop(name, None)
            if start is not None:
                self._phase_recorded.add(name)
                self.flow.recorder.add_phase(f"esp:{name}", start, at, status)
        else:
            self._phase_started.setdefault(name, at)

    def finish(self, at: float) -> None:
        """Close ESP phases still working when the result screen came (e.g. a timeout)."""
        for name, start in sorted(self._phase_started.items(), key=lambda item: item[1]):
            self.flow.recorder.add_phase(f"esp:{name}", start, at, self._phase_status.get(name, ""))
        self._phase_started.clear()


def _normalise(value: str | None) -> str | None:
    if value is None:
        return None
    return " ".join(value.split()).casefold()
