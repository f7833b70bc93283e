"""The last steps: read the result screen, then Reseal (green) or the diagnostics (red)."""

from __future__ import annotations

from harness.errors import RigError
from harness.flow.actions import Actions
from harness.flow.context import FlowContext
from harness.flow.fields import check_fields, observe_with_fields, record_fields
from harness.flow.outcome import DeviceFailure
from harness.flow.power_waits import off_now, wait_powered_off
from harness.flow.recorder import StepHandle
from harness.flow.states import RESULT_STATES, FlowOutcome, FlowState
from harness.flow.verdicts import judge_codes, judge_colour
from harness.vision import ScreenState

_OFF_FOR_SURE = ("lifecycle event", "power state")


def read_result(ctx: FlowContext, handle: StepHandle) -> FlowState:
    last = ctx.watcher.last
    assert last is not None
    evidence = ctx.evidence
    observation = observe_with_fields(ctx, last.state)
    evidence.result_seen = "green" if last.state is ScreenState.SUCCESS else "red"
    record_fields(ctx, observation)
    ctx.collect_codes(observation)
    elapsed: dict[str, object] = {}
    if evidence.provision_started is not None and evidence.result_seen_at is not None:
        measured = evidence.result_seen_at - evidence.provision_started
        elapsed["elapsed_measured_s"] = round(measured, 3)
        if observation.fields.elapsed_s is not None:
            elapsed["elapsed_difference_s"] = round(observation.fields.elapsed_s - measured, 3)
    ctx.recorder.update(result=evidence.result_seen, fields=elapsed)
    handle.detail = f"{evidence.result_seen} result screen"
    if evidence.result_seen == "red":
        return FlowState.DIAGNOSTICS
    judge_colour(ctx)
    check_fields(ctx, observation, "result screen", require_shown=False)
    return FlowState.RESEAL


def reseal(ctx: FlowContext, actions: Actions, handle: StepHandle) -> FlowOutcome:
    """Press Reseal until it is taken (the green screen left, or power-off seen), then wait for
    the power-off (``power_waits``). A press that did not take is pressed again, never judged."""
    settings = ctx.settings
    with ctx.recorder.phase("result_to_reseal"):
        ctx.record_events()
        acted = actions.act_until(
            "reseal",
            leave=(ScreenState.SUCCESS,),
            handle=handle,
            confirmed=lambda: off_now(ctx),
            dark_leaves=True,
        )
        taken = acted.evidence or (acted.sighting.state.value if acted.sighting else "no signal")
        ctx.recorder.event("reseal", f"Reseal taken ({taken})")
    with ctx.recorder.phase("reseal_to_power_off"):
        how = acted.evidence if acted.evidence in _OFF_FOR_SURE else None
        how = how or wait_powered_off(ctx, settings.poweroff_timeout_s)
        ctx.recorder.update(powered_off_after_reseal=how is not None)
        if how is None:
            last = ctx.watcher.last
            seen = last.state.value if last else "none"
            raise DeviceFailure(
                "Reseal did not power the device off: it did not power off within "
                f"{settings.poweroff_timeout_s:.0f} s (last screen: {seen})"
            )
        handle.detail = f"powered off ({how})"
    return _outcome(ctx, f"green result as expected; Reseal powered the device off ({how})")


def diagnostics(ctx: FlowContext, actions: Actions, handle: StepHandle) -> FlowOutcome:
    """Red: collect the diagnostics as evidence, then judge. The colour verdict stands whatever
    happened on the diagnostics page; a rig problem there only decides when the codes it kept
    from being read are what the verdict needs."""
    problem: RigError | None = None
    try:
        _collect_diagnostics(ctx, actions, handle)
    except RigError as error:
        problem = error
        handle.detail = f"diagnostics not collected: {error}"
        ctx.recorder.event("diagnostics", f"not collected ({type(error).__name__}): {error}")
    judge_colour(ctx)
    judge_codes(ctx, rig_problem=problem)
    if ctx.settings.reset_after_red:
        actions.run_keys("reset")
        ctx.recorder.event("reset", "Reset pressed after the red result")
    codes = ", ".join(ctx.evidence.codes) or "no code"
    return _outcome(ctx, f"red result as expected ({codes})")


def _collect_diagnostics(ctx: FlowContext, actions: Actions, handle: StepHandle) -> None:
    settings = ctx.settings
    acted = actions.act_until("open_diagnostics", leave=RESULT_STATES, handle=handle)
    sighting = acted.sighting
    if sighting is None or sighting.state is not ScreenState.DIAGNOSTICS:
        sighting = ctx.watcher.require(
            (ScreenState.DIAGNOSTICS,), settings.screen_timeout_s, what="diagnostics page"
        )
    observation = ctx.watcher.observe()
    ctx.recorder.diagnostics_screenshot("diagnostics", sighting.frame)
    ctx.collect_codes(observation)
    handle.detail = f"diagnostics page read; codes {ctx.evidence.codes or 'none'}"
    if settings.export_logs and ctx.windows == 11:
        actions.run_keys("export_logs")
        ctx.recorder.event("diagnostics", "Export logs pressed")
        ctx.sleep(settings.poll_interval_s)
        after = ctx.watcher.poll()
        ctx.recorder.diagnostics_screenshot("export-logs", after.frame)
    actions.act_until("close_diagnostics", leave=(ScreenState.DIAGNOSTICS,), handle=handle)


def _outcome(ctx: FlowContext, reason: str) -> FlowOutcome:
    evidence = ctx.evidence
    return FlowOutcome("passed", reason, evidence.result_seen, list(evidence.codes))
