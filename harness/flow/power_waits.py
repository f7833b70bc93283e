"""Waiting for the power to change: after a hard power-off, and after Reseal.

Power-off after Reseal is seen, in this order of trust:
1. a lifecycle event (libvirt ``powered-off``),
2. the power state, where the power control can read it (``can_read_state``),
3. where it cannot (manual power, a relay without a state command, no power control): the
   picture went black or lost its signal (no frame at all, as a capture without input) and
   stayed so for ``blank_poweroff_s``.
A power control that can read its state decides alone: a black screen on a device that is still
on is a device shutting down, not one that is off.
"""

from __future__ import annotations

from harness.errors import PowerControlError
from harness.flow.context import FlowContext
from harness.targets.events import TargetEventKind
from harness.targets.protocols import PowerState, can_read_power_state
from harness.vision import ScreenState


class PowerStateTimeout(PowerControlError):
    """The power control did not report the wanted state in time (a rig error)."""


def read_power_state(ctx: FlowContext) -> PowerState:
    power = ctx.target.power
    if power is None or not can_read_power_state(power):
        return PowerState.UNKNOWN
    return power.power_state()


def wait_power_state(ctx: FlowContext, state: PowerState, timeout_s: float) -> None:
    deadline = ctx.clock() + timeout_s
    while read_power_state(ctx) is not state:
        if ctx.clock() >= deadline:
            raise PowerStateTimeout(
                f"the power control did not report {state.value} within {timeout_s:.0f} s"
            )
        ctx.sleep(ctx.settings.poll_interval_s)


def off_now(ctx: FlowContext) -> str | None:
    """Power-off evidence available right now without looking at the screen (event, state)."""
    events = ctx.record_events()  # every event is recorded, even after the one that decides
    if any(event.kind is TargetEventKind.POWERED_OFF for event in events):
        return "lifecycle event"
    if read_power_state(ctx) is PowerState.OFF:
        return "power state"
    return None


def wait_powered_off(ctx: FlowContext, timeout_s: float) -> str | None:
    """How the power-off was seen, or None when ``timeout_s`` ran out first."""
    settings = ctx.settings
    by_screen = not can_read_power_state(ctx.target.power)
    deadline = ctx.clock() + timeout_s
    dark_since: float | None = None
    while True:
        how = off_now(ctx)
        if how is not None:
            return how
        sighting = ctx.watcher.poll_or_none()
        if by_screen:
            now = ctx.clock()
            if sighting is None or sighting.state is ScreenState.BLACK:
                dark_since = now if dark_since is None else dark_since
                if now - dark_since >= settings.blank_poweroff_s:
                    return f"screen black or without signal for {settings.blank_poweroff_s:g} s"
            else:
                dark_since = None
        now = ctx.clock()
        if now >= deadline:
            return None
        # A long wait: fewer looks while nothing changes (harness.flow.pacing), the last one on
        # the deadline; the black-for-blank_poweroff_s rule is bounded into the pace.
        ctx.sleep(min(ctx.watcher.next_interval(), deadline - now))
