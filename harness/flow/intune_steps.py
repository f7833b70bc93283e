"""The flow's two Intune hooks: at the configuration screen (before Provision) and after the
result. Used only when the run has an ``IntuneSession``; the flow itself knows nothing of Graph.

Before Provision:
1. the ZtdId read from the QR code is looked up (the companion app's call); no Autopilot record,
   or a profile not assigned yet, is ``failed`` before Provision is pressed;
2. serial, model, group tag, assignment status, profile and user are recorded, and compared
   with the screen (profile, user) and with the expectation; ``from_intune`` takes the expected
   profile, organization and user from Intune instead;
3. ``cleanup: before_run`` deletes the previous managed device (before the device enrols);
4. companion actions (user, group tag, name) go through Graph, then Refresh is pressed until the
   screen shows the new user; Graph change to screen is the phase ``intune_change_to_screen``.

After the result: on green, the managed device the run created is looked up and recorded;
``cleanup: after_run`` deletes it. Neither changes the verdict: a failure there is an event.
"""

from __future__ import annotations

from harness.errors import HarnessError, UnknownScreen
from harness.flow.actions import Actions, normalise
from harness.flow.context import FlowContext
from harness.flow.fields import observe_with_fields, record_fields
from harness.flow.outcome import DeviceFailure
from harness.flow.recorder import Recorder, StepHandle
from harness.intune.records import AutopilotRecord
from harness.intune.session import IntuneSession
from harness.vision import Observation, ScreenState


def before_provision(
    ctx: FlowContext,
    actions: Actions,
    handle: StepHandle,
    session: IntuneSession,
    observation: Observation,
) -> Observation:
    """Returns the configuration screen's latest observation (after Refresh, if pressed)."""
    qr = observation.qr
    if qr is None or not qr.ztd_id:
        if qr is not None and qr.raw is not None:
            raise DeviceFailure(f"configuration screen: the QR code holds no ZtdId: {qr.error}")
        raise UnknownScreen("configuration screen: could not read the QR code's ZtdId for Intune")
    with ctx.recorder.phase("intune_lookup"):
        record = session.lookup(qr.ztd_id)
    if record is None:
        raise DeviceFailure(f"Intune has no Autopilot record for ZtdId {qr.ztd_id}")
    ctx.recorder.event("intune", describe(record))
    if not record.profile_assigned:
        raise DeviceFailure(
            f"the Autopilot profile is not assigned yet (status "
            f"{record.profile_assignment_status or 'unknown'}, profile "
            f"{record.assigned_profile or 'none'}) for serial {record.serial_number}"
        )
    _expect_from(ctx, session, record)
    _compare_screen(observation, record, "configuration screen")
    if session.device.cleanup == "before_run":
        cleanup = session.clean_up(record, "before_run")
        ctx.recorder.event("intune-cleanup", cleanup.describe())
    if session.device.has_actions:
        observation = _companion_actions(ctx, actions, handle, session, record)
    handle.extra["intune"] = {"ztd_id": record.ztd_id, "serial": record.serial_number}
    return observation


def after_result(session: IntuneSession, result: str, recorder: Recorder) -> None:
    """Never raises for an Intune problem: it becomes an event, the verdict stands."""
    record = session.record
    if record is None:
        return
    try:
        if result == "green":
            enrolled = session.enrollment(record)
            if enrolled is None:
                recorder.event("intune", "no managed device found for the enrolled device")
            else:
                recorder.event(
                    "intune",
                    f"managed device {enrolled.id} ({enrolled.device_name}) enrolled "
                    f"{enrolled.enrolled_at}, {enrolled.compliance_state}",
                )
    except HarnessError as problem:
        recorder.event("intune", f"looking up the enrolment failed: {problem}")
    if session.device.cleanup == "after_run":
        recorder.event("intune-cleanup", session.clean_up(record, "after_run").describe())


def describe(record: AutopilotRecord) -> str:
    return (
        f"Autopilot record {record.ztd_id}: serial {record.serial_number}, model "
        f"{record.model}, group tag {record.group_tag or 'none'}, profile "
        f"{record.assigned_profile or 'none'} ({record.profile_assignment_status}), user "
        f"{record.user_principal_name or 'none'}"
    )


def _expect_from(ctx: FlowContext, session: IntuneSession, record: AutopilotRecord) -> None:
    expected = ctx.expectation
    if session.from_intune:
        ctx.expectation = expected.with_fields(
            profile=record.assigned_profile,
            organization=session.organization(),
            user=record.user_principal_name,
            ztd_id=record.ztd_id,
        )
        ctx.recorder.event("intune", f"expectation from Intune: {ctx.expectation.describe()}")
        return
    if expected.profile and normalise(expected.profile) != normalise(record.assigned_profile or ""):
        raise DeviceFailure(
            f"Intune assigns profile {record.assigned_profile!r} to this device, "
            f"expected {expected.profile!r}"
        )


def _compare_screen(observation: Observation, record: AutopilotRecord, where: str) -> None:
    """The screen against Intune: what is shown must be what Intune holds. A user missing on
    the screen is not judged (Windows may leave it out even when one is assigned)."""
    fields = observation.fields
    if fields.profile and normalise(fields.profile) != normalise(record.assigned_profile or ""):
        raise DeviceFailure(
            f"{where} shows profile {fields.profile!r}, Intune assigns {record.assigned_profile!r}"
        )
    upn = record.user_principal_name
    if fields.user and upn and normalise(fields.user) != normalise(upn):
        raise DeviceFailure(
            f"{where} shows user {fields.user!r}, Intune holds {record.user_principal_name!r}"
        )


def _companion_actions(
    ctx: FlowContext,
    actions: Actions,
    handle: StepHandle,
    session: IntuneSession,
    record: AutopilotRecord,
) -> Observation:
    changes = session.apply_actions(record)
    changed_at = ctx.clock()
    ctx.recorder.event("intune-action", f"changed through Graph: {changes}")
    if "user" in changes:
        ctx.expectation = ctx.expectation.with_fields(user=changes["user"])
    observation = ctx.watcher.observe()
    for attempt in range(1, session.refresh_attempts + 1):
        before = ctx.watcher.content_version
        actions.act_until("refresh", leave=(), handle=handle)
        ctx.watcher.wait_for_change(before, ctx.settings.settle_for("refresh"))
        ctx.watcher.require(
            (ScreenState.CONFIGURATION,),
            ctx.settings.screen_timeout_s,
            what="configuration screen after Refresh",
        )
        observation = observe_with_fields(ctx, ScreenState.CONFIGURATION)
        record_fields(ctx, observation)
        shown = observation.fields.user
        if "user" not in changes or (shown and normalise(shown) == normalise(changes["user"])):
            ctx.recorder.add_phase(
                "intune_change_to_screen",
                changed_at,
                ctx.clock(),
                f"{attempt} Refresh press(es)",
            )
            break
    else:
        raise DeviceFailure(
            f"after {session.refresh_attempts} Refresh presses the configuration screen shows "
            f"user {observation.fields.user!r}, Intune holds {changes['user']!r}"
        )
    refreshed = session.lookup(record.ztd_id) or record
    ctx.recorder.event("intune", "after the actions: " + describe(refreshed))
    for key, attribute in (("group_tag", "group_tag"), ("display_name", "display_name")):
        if key in changes and getattr(refreshed, attribute) != changes[key]:
            raise DeviceFailure(
                f"Intune shows {key} {getattr(refreshed, attribute)!r} after setting "
                f"{changes[key]!r}"
            )
    return observation
