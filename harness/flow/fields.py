"""Reading the configuration and result screens' fields and comparing them with the expectation.

The field rule, the same for every field (profile, organization, assigned user, ZtdId):
- a field vision read and that differs from the expectation is the device's fault (``failed``);
- a field vision could not read at all is the rig's (``error``, ``UnknownScreen``): OCR cannot
  tell "not shown" from "not read", so a person must look at the screenshot;
- a QR code that was read but holds no ZtdId is the device's (its payload is wrong).
"""

from __future__ import annotations

from harness.errors import UnknownScreen
from harness.flow.actions import normalise
from harness.flow.context import FlowContext
from harness.flow.outcome import DeviceFailure
from harness.vision import Observation, ScreenState

FIELD_SCREENS = (ScreenState.CONFIGURATION, ScreenState.SUCCESS, ScreenState.FAILURE)
FIELDS = ("profile", "organization", "user", "ztd_id")


def observe_with_fields(ctx: FlowContext, state: ScreenState) -> Observation:
    """Observe, re-reading a couple of fresh frames when OCR left the key fields empty."""
    observation = ctx.watcher.observe()
    for _ in range(2):
        fields = observation.fields
        if state not in FIELD_SCREENS or (fields.profile and fields.organization):
            break
        ctx.sleep(ctx.settings.poll_interval_s)
        ctx.watcher.poll()
        observation = ctx.watcher.observe()
    return observation


def record_fields(ctx: FlowContext, observation: Observation) -> None:
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
        ctx.recorder.update(fields=values)


def check_fields(
    ctx: FlowContext, observation: Observation, where: str, *, require_shown: bool = True
) -> str:
    """Compare what the screen shows with the expectation (see the module's rule).

    On the result screens (``require_shown=False``) only what is shown is compared: Windows 11
    shows no QR code there.
    """
    expected = ctx.expectation
    fields = observation.fields
    qr = observation.qr
    seen = {
        "profile": fields.profile,
        "organization": fields.organization,
        "user": fields.user,
        "ztd_id": qr.ztd_id if qr else None,
    }
    checked = []
    for name in FIELDS:
        want = getattr(expected, name)
        if want is None:
            continue
        label = "ZtdId" if name == "ztd_id" else name
        got = seen[name]
        if got is None:
            if not require_shown:
                continue
            if name == "ztd_id" and qr is not None and qr.raw is not None:
                raise DeviceFailure(f"{where}: the QR code does not hold a ZtdId: {qr.error}")
            raise UnknownScreen(f"{where}: could not read the {label} (see the screenshot)")
        if normalise(got) != normalise(want):
            raise DeviceFailure(f"{where} shows {label} {got!r}, expected {want!r}")
        checked.append(name)
    return f"checked {', '.join(checked)}" if checked else "no field expectations"
