"""Doing an action on the device and confirming it on screen: click or keys, then retry.

An action is a named key script (``fixtures/navigation.yaml``), or a click on its button where
the backend can click and vision found the button. Every action is confirmed by the screen
leaving the screen the action starts from, within the action's settle time
(``FlowSettings.settle_for``). Keys get lost, so an action that did not take is sent again, but
only after looking: a script is re-sent only while the screen is still the one it starts from,
never onto whatever screen followed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from harness.errors import KeyNotAccepted
from harness.flow.context import FlowContext
from harness.flow.recorder import StepHandle
from harness.flow.watcher import Sighting
from harness.keys import run_script
from harness.vision import ScreenState

KNOWN_STATES = frozenset(ScreenState) - {ScreenState.UNKNOWN}


@dataclass(frozen=True)
class Acted:
    """How an action was confirmed: the screen it led to, or other evidence (e.g. power off)."""

    sighting: Sighting | None
    """The first known screen outside ``leave``; None when the picture went away (no signal)."""
    evidence: str | None = None
    """What confirmed it when not a screen (``power state``, ``lifecycle event``)."""


class Actions:
    def __init__(self, ctx: FlowContext) -> None:
        self.ctx = ctx

    def run_keys(self, action: str) -> None:
        """Do an action: click its button where the backend can and vision found it, else keys."""
        ctx = self.ctx
        pointer = ctx.target.pointer
        labels = ctx.navigation().click_labels.get(action, ())
        if pointer is not None and labels:
            wanted = {normalise(label) for label in labels}
            for button in ctx.watcher.observe().fields.buttons:
                if normalise(button.label) in wanted:
                    pointer.click(*button.centre)
                    ctx.recorder.event("click", f"{action}: {button.label!r} at {button.centre}")
                    return
        run_script(
            ctx.navigation().script(action),
            ctx.target.keyboard,
            pacing_s=ctx.settings.windows_key_pacing_s,
            hold_s=ctx.settings.key_hold_s,
            sleep=ctx.sleep,
        )

    def act_until(
        self,
        action: str,
        *,
        leave: Collection[ScreenState],
        handle: StepHandle,
        confirmed: Callable[[], str | None] | None = None,
        dark_leaves: bool = False,
    ) -> Acted:
        """Run ``action`` until the screen leaves ``leave`` (or ``confirmed`` says it took).

        ``leave`` empty: the action cannot be confirmed by a screen change; it is sent once.
        ``dark_leaves``: a picture that goes away (no frame) counts as leaving (Reseal).
        """
        ctx = self.ctx
        attempts = ctx.settings.navigation_retries + 1
        for attempt in range(attempts):
            if attempt:
                handle.retries += 1
                ctx.recorder.event(
                    "retry", f"{action}: still on the {_names(leave)} screen, sending it again"
                )
            self.run_keys(action)
            acted, sighting = self._settle(action, leave, confirmed, dark_leaves)
            if acted is not None:
                return acted
            if not leave:
                return Acted(sighting)
            if sighting is not None and sighting.state is ScreenState.UNKNOWN:
                # Between two screens, or a screen vision does not know: look again before
                # deciding anything, and never press into a screen nobody recognised.
                seen = ctx.watcher.require(
                    KNOWN_STATES, ctx.settings.screen_timeout_s, what=f"a screen after {action}"
                )
                if seen.state not in leave:
                    return Acted(seen)
        last = ctx.watcher.last
        raise KeyNotAccepted(
            f"{action.replace('_', ' ')}: the screen stayed "
            f"{last.state.value if last else 'unknown'} after {attempts} attempts"
        )

    def _settle(
        self,
        action: str,
        leave: Collection[ScreenState],
        confirmed: Callable[[], str | None] | None,
        dark_leaves: bool,
    ) -> tuple[Acted | None, Sighting | None]:
        ctx = self.ctx
        deadline = ctx.clock() + ctx.settings.settle_for(action)
        while True:
            if confirmed is not None:
                evidence = confirmed()
                if evidence is not None:
                    return Acted(ctx.watcher.last, evidence), None
            sighting = ctx.watcher.poll_or_none() if dark_leaves else ctx.watcher.poll()
            if sighting is None:
                return Acted(None, "no signal"), None
            if leave and sighting.state not in leave and sighting.state is not ScreenState.UNKNOWN:
                return Acted(sighting), sighting
            if ctx.clock() >= deadline:
                return None, sighting
            ctx.sleep(ctx.settings.poll_interval_s)


def _names(states: Collection[ScreenState]) -> str:
    return "/".join(state.value for state in states) or "same"


def normalise(value: str | None) -> str | None:
    if value is None:
        return None
    return " ".join(value.split()).casefold()
