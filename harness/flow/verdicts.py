"""The verdict rules, each in one place: who misbehaved, the device (``failed``) or the rig
(``error``). docs/flow.md lists them; the field rule (unread is ``error``, read and wrong is
``failed``) lives with the field comparison in ``fields.py``.
"""

from __future__ import annotations

from harness.errors import ConfigError, HarnessError, Interrupted, NoFrame, RigError, UsageError
from harness.flow.context import FlowContext
from harness.flow.outcome import DeviceFailure
from harness.flow.power_waits import read_power_state
from harness.flow.watcher import Sighting
from harness.targets.protocols import PowerState
from harness.vision import ScreenState


class FrozenCapture(NoFrame):
    """Frames keep coming but nothing on them moves, not even the ESP's animation: the display
    or the capture froze. A rig fault, never a slow device."""


def verdict_of(problem: BaseException) -> tuple[str, str]:
    """The verdict and reason of a run that ended by ``problem``."""
    if isinstance(problem, DeviceFailure):
        return "failed", problem.reason
    if isinstance(problem, KeyboardInterrupt):
        return "error", "interrupted by the operator (Ctrl-C)"
    if isinstance(problem, Interrupted):
        return "error", f"interrupted: {problem}"
    if isinstance(problem, RigError):
        return "error", f"rig problem ({type(problem).__name__}): {problem}"
    if isinstance(problem, ConfigError | UsageError):
        return "error", f"configuration error during the run: {problem}"
    if isinstance(problem, HarnessError):
        return "error", f"{type(problem).__name__}: {problem}"
    # A bug in the harness must not pass for a device failure.
    return "error", f"harness bug ({type(problem).__name__}): {problem}"


def check_esp_alive(ctx: FlowContext, sighting: Sighting) -> None:
    """While the ESP runs: a picture that does not move at all for ``frozen_screen_s`` is the
    rig's fault (the ESP's progress animation stopped too, so the display or the capture froze).
    A device stuck on a living ESP is not judged here: it runs into ``esp_timeout_s``.

    A black picture is what a rebooting or switched-off device shows, and what a capture without
    signal shows: with the power state readable and OFF it is the device (``failed``), otherwise
    nobody can tell, so a person must look (``error``).
    """
    limit = ctx.settings.frozen_screen_s
    if sighting.state is ScreenState.BLACK:
        if sighting.unchanged_s < limit:
            return
        if read_power_state(ctx) is PowerState.OFF:
            raise DeviceFailure(
                f"the device powered off during the ESP (black for {sighting.unchanged_s:.0f} s)"
            )
        raise NoFrame(
            f"black or no signal for {sighting.unchanged_s:.0f} s during the ESP, with the power "
            "state on or unknown: the device hung or the capture lost its signal"
        )
    if sighting.still_s >= limit:
        raise FrozenCapture(
            f"the picture has not moved for {sighting.still_s:.0f} s during the ESP (no change, "
            "no animation): the display or the capture froze"
        )


def esp_limit_reached(ctx: FlowContext, last: Sighting | None) -> Exception:
    """The ESP did not end within ``esp_timeout_s``: the device's fault when it was on a screen
    vision knew (a living ESP that never finishes), the rig's when the screen matched nothing."""
    timeout = ctx.settings.esp_timeout_s
    if last is not None and last.state is ScreenState.UNKNOWN:
        return ctx.watcher.unexpected_screen("result screen", timeout)
    return DeviceFailure(
        f"the ESP did not finish within {timeout:.0f} s "
        f"(last screen: {last.state.value if last else 'none'})"
    )


def judge_colour(ctx: FlowContext) -> None:
    want = ctx.expectation.result
    evidence = ctx.evidence
    if evidence.result_seen != want:
        codes = f" ({', '.join(evidence.codes)})" if evidence.codes else ""
        raise DeviceFailure(
            f"expected a {want} result, the device showed {evidence.result_seen}{codes}"
        )


def judge_codes(ctx: FlowContext, *, rig_problem: RigError | None = None) -> None:
    """Codes and category of a red result. Without any readable code, a rig problem that kept
    the diagnostics page from being read decides (``error``); else the device showed none."""
    expected = ctx.expectation
    evidence = ctx.evidence
    if expected.codes:
        if not evidence.codes:
            if rig_problem is not None:
                raise rig_problem
            raise DeviceFailure(
                f"red result without a readable error code; expected {', '.join(expected.codes)}"
            )
        unexpected = [code for code in evidence.codes if code not in expected.codes]
        if unexpected:
            raise DeviceFailure(
                f"red result with unexpected code(s) {', '.join(unexpected)}; "
                f"expected {', '.join(expected.codes)}"
            )
    if expected.category and evidence.category != expected.category:
        if evidence.category is None and rig_problem is not None:
            raise rig_problem
        raise DeviceFailure(
            f"red result of category {evidence.category or 'unknown'}, expected {expected.category}"
        )


def something_went_wrong(ctx: FlowContext, when: str) -> DeviceFailure:
    """ "Something went wrong" is the device's failure: vision read the screen, Windows failed."""
    observation = ctx.watcher.observe()
    ctx.collect_codes(observation)
    text = observation.fields.message or observation.fields.error_text or ""
    title = observation.fields.title or "Something went wrong"
    detail = f": {text}" if text else ""
    return DeviceFailure(f"Windows showed {title!r} {when}{detail}")
