"""Following the Enrollment Status Page from Provision to the result screen.

Reads codes and phase changes, times each phase (``esp:<name>`` sub-phases), counts reboots and
applies the liveness rule (``verdicts.check_esp_alive``) on every frame.

A reboot is counted once however many ways it shows: a black episode on screen and a backend's
``rebooted`` event during it, or just before it, are the same reboot.
"""

from __future__ import annotations

from harness.flow.context import FlowContext
from harness.flow.verdicts import check_esp_alive, esp_limit_reached
from harness.flow.watcher import Sighting
from harness.targets.events import TargetEventKind
from harness.vision import ScreenState

RESULT_STATES = (ScreenState.SUCCESS, ScreenState.FAILURE)

_DONE_STATUSES = ("complete", "failed", "no setup needed", "previous step failed")
_IDLE_STATUSES = ("waiting", "identifying")


def follow_esp(ctx: FlowContext) -> tuple[Sighting, int]:
    """Wait for the result screen; return it and the number of reboots seen. Raises the ESP
    limit's verdict (``esp_limit_reached``) or a liveness rule's."""
    follower = EspFollower(ctx)
    try:
        sighting = ctx.watcher.wait_for(
            RESULT_STATES,
            ctx.settings.esp_timeout_s,
            what="result screen",
            on_sighting=follower.see,
        )
    finally:
        follower.finish(ctx.clock())
    if sighting is None:
        raise esp_limit_reached(ctx, ctx.watcher.last)
    return sighting, follower.reboots


class EspFollower:
    def __init__(self, ctx: FlowContext) -> None:
        self.ctx = ctx
        self.reboots = 0
        self._in_blank = False
        self._event_reboot_open = False
        """A ``rebooted`` event was counted and its black episode has not been seen yet."""
        self._phase_status: dict[str, str] = {}
        self._phase_started: dict[str, float] = {}
        self._phase_recorded: set[str] = set()

    def see(self, sighting: Sighting) -> None:
        ctx = self.ctx
        for event in ctx.record_events():
            if event.kind is TargetEventKind.REBOOTED and not self._in_blank:
                if not self._event_reboot_open:
                    self.reboots += 1
                self._event_reboot_open = True
        if sighting.state is ScreenState.BLACK:
            if not self._in_blank:
                self._in_blank = True
                if self._event_reboot_open:
                    self._event_reboot_open = False  # the black of the reboot already counted
                else:
                    self.reboots += 1
                ctx.recorder.event("reboot", "screen went black during provisioning")
            check_esp_alive(ctx, sighting)
            return
        if self._in_blank:
            self._in_blank = False
            ctx.recorder.event("reboot", f"screen back: {sighting.state.value}")
        if sighting.state is ScreenState.ESP:
            check_esp_alive(ctx, sighting)
            if sighting.changed:
                self._read(sighting)

    def _read(self, sighting: Sighting) -> None:
        observation = self.ctx.watcher.observe()
        self.ctx.collect_codes(observation)
        for phase in observation.fields.esp_phases:
            previous = self._phase_status.get(phase.name)
            if previous != phase.status:
                self._phase_status[phase.name] = phase.status
                self.ctx.recorder.event("esp", f"{phase.name}: {phase.status}")
                self._time_phase(phase.name, phase.status, sighting.frame.timestamp)

    def _time_phase(self, name: str, status: str, at: float) -> None:
        lowered = status.lower()
        if name in self._phase_recorded or lowered.startswith(_IDLE_STATUSES):
            return
        if lowered.startswith(_DONE_STATUSES):
            start = self._phase_started.pop(name, None)
            if start is not None:
                self._phase_recorded.add(name)
                self.ctx.recorder.add_phase(f"esp:{name}", start, at, status)
        else:
            self._phase_started.setdefault(name, at)

    def finish(self, at: float) -> None:
        """Close ESP phases still working when the ESP ended (a result, a timeout, a fault)."""
        for name, start in sorted(self._phase_started.items(), key=lambda item: item[1]):
            self.ctx.recorder.add_phase(f"esp:{name}", start, at, self._phase_status.get(name, ""))
        self._phase_started.clear()
