"""The first steps: power on, open the options dialog (Windows key x5), choose provisioning."""

from __future__ import annotations

import re

from harness.errors import KeyNotAccepted
from harness.flow.actions import Actions
from harness.flow.context import FlowContext
from harness.flow.power_waits import read_power_state, wait_power_state
from harness.flow.recorder import StepHandle
from harness.flow.states import FIRST_SCREENS, FlowState
from harness.flow.verdicts import something_went_wrong
from harness.keys import key
from harness.targets.protocols import PowerState
from harness.vision import ScreenState


def power_on(ctx: FlowContext, handle: StepHandle) -> FlowState:
    settings = ctx.settings
    with ctx.recorder.phase("power_on_to_oobe"):
        power = ctx.target.power
        if power is not None and settings.power_on:
            if read_power_state(ctx) is PowerState.ON:
                handle.detail = "device was on: powered it off first for a clean start"
                ctx.recorder.event("power", "hard power-off before the run")
                power.power_off()
                wait_power_state(ctx, PowerState.OFF, settings.poweroff_timeout_s)
            power.power_on()
            ctx.recorder.event("power", "power on")
        sighting = ctx.watcher.wait_for(
            (*FIRST_SCREENS, ScreenState.OPTIONS, ScreenState.SOMETHING_WENT_WRONG),
            settings.boot_timeout_s,
            what="first OOBE screen",
        )
        if sighting is None:
            raise ctx.watcher.unexpected_screen("first OOBE screen", settings.boot_timeout_s)
        ctx.learn_windows(sighting.observation)
        if sighting.state is ScreenState.SOMETHING_WENT_WRONG:
            raise something_went_wrong(ctx, "at start")
        if sighting.state is ScreenState.OPTIONS:
            handle.detail = "the options dialog was already open"
            return FlowState.SELECT_PROVISIONING
    return FlowState.OPEN_OPTIONS


def open_options(ctx: FlowContext, handle: StepHandle) -> FlowState:
    settings = ctx.settings
    windows_key = key("leftsuper")
    with ctx.recorder.phase("windows_keys_to_options"):
        for round_number in range(1, settings.windows_key_rounds + 1):
            if round_number > 1:
                handle.retries += 1
                ctx.recorder.event(
                    "retry", f"Windows key x5 again (round {round_number}): no options dialog"
                )
            for _ in range(5):
                ctx.target.keyboard.press(windows_key, settings.key_hold_s)
                ctx.sleep(settings.windows_key_pacing_s)
            if _options_appeared(ctx, 0.0):
                return _opened(handle, round_number)
            # Keys get lost: keep the series going one press at a time, looking after each,
            # so that presses that did arrive still count towards the five.
            for extra in range(settings.extra_windows_presses):
                ctx.target.keyboard.press(windows_key, settings.key_hold_s)
                if _options_appeared(ctx, settings.windows_key_pacing_s):
                    handle.extra["extra_presses"] = extra + 1
                    ctx.recorder.event(
                        "retry", f"options dialog after {extra + 1} extra Windows-key presses"
                    )
                    return _opened(handle, round_number)
            if _options_appeared(ctx, settings.options_wait_s):
                return _opened(handle, round_number)
            last = ctx.watcher.last
            if last is not None and last.state is ScreenState.SOMETHING_WENT_WRONG:
                raise something_went_wrong(ctx, "after the Windows-key presses")
    raise KeyNotAccepted(
        f"the options dialog did not open after {settings.windows_key_rounds} rounds of "
        "Windows-key presses: the keys are not reaching the device"
    )


def _opened(handle: StepHandle, round_number: int) -> FlowState:
    handle.detail = f"options dialog open after round {round_number}"
    return FlowState.SELECT_PROVISIONING


def _options_appeared(ctx: FlowContext, wait_s: float) -> bool:
    found = ctx.watcher.wait_for((ScreenState.OPTIONS,), wait_s, what="options dialog")
    return found is not None


class ProvisioningChoice:
    """Selects the provisioning tile and confirms it; counts trips back to the first screen."""

    def __init__(self, ctx: FlowContext, actions: Actions) -> None:
        self.ctx = ctx
        self.actions = actions
        self.recoveries = 0

    def __call__(self, handle: StepHandle) -> FlowState:
        ctx = self.ctx
        settings = ctx.settings
        pattern = re.compile(settings.provisioning_tile, re.IGNORECASE)
        with ctx.recorder.phase("options_to_configuration"):
            ctx.watcher.settled(settings.settle_for("next_tile"))
            selected = ctx.watcher.observe().fields.selected_tile
            moves = 0
            while not (selected and pattern.search(selected)):
                if moves >= 2 + 2 * settings.navigation_retries:
                    raise KeyNotAccepted(
                        "could not move the selection to the provisioning tile "
                        f"(/{settings.provisioning_tile}/); selected: {selected!r}"
                    )
                before = ctx.watcher.content_version
                self.actions.run_keys("next_tile")
                moves += 1
                # Read the selection from a frame that shows the move: a frame grabbed before
                # the device redrew still shows the old tile, and one more move from there
                # would land on "Reset device".
                if ctx.watcher.wait_for_change(before, settings.settle_for("next_tile")) is None:
                    ctx.recorder.event("retry", "next tile: the screen did not change")
                selected = ctx.watcher.observe().fields.selected_tile
            handle.detail = f"selected {selected!r} after {moves} move(s)"
            ctx.recorder.event("selected", f"tile {selected!r} confirmed on screen")
            acted = self.actions.act_until(
                "confirm_options", leave=(ScreenState.OPTIONS,), handle=handle
            )
            state = acted.sighting.state if acted.sighting else None
            if state is ScreenState.SOMETHING_WENT_WRONG:
                raise something_went_wrong(ctx, "after Continue")
            if state is ScreenState.CONFIGURATION:
                return FlowState.CHECK_CONFIGURATION
            if state in FIRST_SCREENS and self.recoveries < 2:
                # Another dialog took us back to the start: open the options again.
                self.recoveries += 1
                ctx.recorder.event("recovery", "back at the first OOBE screen: reopening options")
                return FlowState.OPEN_OPTIONS
            configuration = ctx.watcher.wait_for(
                (ScreenState.CONFIGURATION, ScreenState.SOMETHING_WENT_WRONG),
                settings.screen_timeout_s,
                what="configuration screen",
            )
            if configuration is None:
                raise ctx.watcher.unexpected_screen(
                    "configuration screen", settings.screen_timeout_s
                )
            if configuration.state is ScreenState.SOMETHING_WENT_WRONG:
                raise something_went_wrong(ctx, "after Continue")
        return FlowState.CHECK_CONFIGURATION
