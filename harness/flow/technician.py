"""The technician flow as an explicit state machine over the screens of the flow.

    POWER_ON -> OPEN_OPTIONS -> SELECT_PROVISIONING -> CHECK_CONFIGURATION -> PROVISION
      -> READ_RESULT -> (green) RESEAL -> DONE
                     -> (red)   DIAGNOSTICS -> DONE

Each state is one step with a time limit, recorded with its duration, its last frame and what
vision saw on it, whether the step succeeded or ended the run. A step ends the run early by
raising ``DeviceFailure`` (verdict ``failed``) or a ``RigError`` (verdict ``error``); the rules
are in ``verdicts.py``. Every action is confirmed on screen (``actions.py``), never by "sent OK".

The jobs live in their own files: ``steps_start`` / ``steps_result`` (the steps), ``actions``
(click or keys, confirm, retry), ``esp`` (the ESP follower), ``fields`` (field comparison),
``power_waits``, ``verdicts``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from harness.flow import intune_steps, steps_result, steps_start
from harness.flow.actions import Actions
from harness.flow.context import FlowContext
from harness.flow.esp import follow_esp
from harness.flow.expectation import Expectation
from harness.flow.fields import check_fields, observe_with_fields, record_fields
from harness.flow.navigation import Navigation
from harness.flow.recorder import Recorder, StepHandle
from harness.flow.settings import FlowSettings
from harness.flow.states import FlowOutcome, FlowState
from harness.flow.watcher import ScreenWatcher
from harness.intune.session import IntuneSession
from harness.targets.target import Target
from harness.vision import ScreenState, Vision

__all__ = ["FlowOutcome", "FlowState", "TechnicianFlow"]


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
        log: logging.Logger | None = None,
        navigation: Navigation | None = None,
        intune: IntuneSession | None = None,
    ) -> None:
        """``navigation``: the key scripts (default: ``fixtures/navigation.yaml`` for the
        Windows version seen on screen). ``intune``: check and change the device in Intune at
        the configuration screen (``intune_steps``)."""
        self.intune = intune
        log = log or logging.getLogger("harness.flow")
        watcher = ScreenWatcher(
            target,
            vision,
            settings,
            log=log,
            clock=clock,
            sleep=sleep,
            record=lambda frame, state, changed: recorder.frame(
                frame, state.value if state else None, changed
            ),
        )
        self.ctx = FlowContext(
            target,
            vision,
            expectation,
            settings,
            recorder,
            watcher,
            log,
            clock,
            sleep,
            windows,
            key_scripts=navigation,
        )
        self.actions = Actions(self.ctx)
        self.state = FlowState.POWER_ON
        choice = steps_start.ProvisioningChoice(self.ctx, self.actions)
        self._steps: dict[FlowState, Callable[[StepHandle], FlowState | FlowOutcome]] = {
            FlowState.POWER_ON: lambda handle: steps_start.power_on(self.ctx, handle),
            FlowState.OPEN_OPTIONS: lambda handle: steps_start.open_options(self.ctx, handle),
            FlowState.SELECT_PROVISIONING: choice,
            FlowState.CHECK_CONFIGURATION: self._check_configuration,
            FlowState.PROVISION: self._provision,
            FlowState.READ_RESULT: lambda handle: steps_result.read_result(self.ctx, handle),
            FlowState.RESEAL: lambda handle: steps_result.reseal(self.ctx, self.actions, handle),
            FlowState.DIAGNOSTICS: lambda handle: steps_result.diagnostics(
                self.ctx, self.actions, handle
            ),
        }

    @property
    def windows(self) -> int | None:
        return self.ctx.windows

    @property
    def watcher(self) -> ScreenWatcher:
        return self.ctx.watcher

    # -- the machine ---------------------------------------------------------------------

    def run(self) -> FlowOutcome:
        """Walk the states until DONE. Exceptions (DeviceFailure, RigError) propagate."""
        while True:
            step = self._steps[self.state]
            with self.ctx.recorder.step(self.state.value) as handle:
                try:
                    next_state = step(handle)
                finally:
                    # The evidence of the step, above all of the step that ended the run.
                    last = self.ctx.watcher.last
                    if last is not None:
                        handle.frame = last.frame
                        handle.screen_state = last.state.value
                        handle.observation = last.observation
            if isinstance(next_state, FlowOutcome):
                self.transition(FlowState.DONE)
                return next_state
            self.transition(next_state)

    def transition(self, state: FlowState) -> None:
        if state is not self.state:
            self.ctx.log.info("flow: %s -> %s", self.state.value, state.value)
            self.state = state

    # -- the middle steps ------------------------------------------------------------------

    def _check_configuration(self, handle: StepHandle) -> FlowState:
        ctx = self.ctx
        with ctx.recorder.phase("configuration_checks"):
            observation = observe_with_fields(ctx, ScreenState.CONFIGURATION)
            record_fields(ctx, observation)
            if self.intune is not None:
                observation = intune_steps.before_provision(
                    ctx, self.actions, handle, self.intune, observation
                )
            handle.detail = check_fields(ctx, observation, "configuration screen")
            if ctx.settings.refresh:
                before = ctx.watcher.content_version
                self.actions.act_until("refresh", leave=(), handle=handle)
                # A new profile shows as a change; a frame from before Refresh took effect
                # would be checked as the refreshed one. No change in the settle time: the
                # device redrew the same values.
                ctx.watcher.wait_for_change(before, ctx.settings.settle_for("refresh"))
                ctx.watcher.require(
                    (ScreenState.CONFIGURATION,),
                    ctx.settings.screen_timeout_s,
                    what="configuration screen after Refresh",
                )
                observation = observe_with_fields(ctx, ScreenState.CONFIGURATION)
                record_fields(ctx, observation)
                handle.detail += "; after Refresh: " + check_fields(
                    ctx, observation, "configuration screen after Refresh"
                )
        return FlowState.PROVISION

    def _provision(self, handle: StepHandle) -> FlowState:
        ctx = self.ctx
        ctx.evidence.provision_started = ctx.clock()
        with ctx.recorder.phase("provisioning"):
            self.actions.act_until("provision", leave=(ScreenState.CONFIGURATION,), handle=handle)
            _, reboots = follow_esp(ctx)
            ctx.evidence.result_seen_at = ctx.clock()
            handle.detail = f"{reboots} reboot(s) seen; codes {ctx.evidence.codes or 'none'}"
        return FlowState.READ_RESULT
