"""The health check before each run, in the spirit of LAVA's: is the rig able to run the flow?

Three checks against the Target interface, each named in the report when it fails:

- ``power``: the power backend reads a state (on or off). A backend that says it cannot read one
  (``can_read_state: false``: manual power, a bare relay) passes with that said; one that should
  and answers ``unknown`` or raises fails.
- ``screen``: a frame arrives; while power says on it must not be black (an off display, a dead
  grabber, a cable on the wrong port). While power is off a black frame is what it should be.
- ``keyboard``: the injector answers when asked (CH9329 ``GET_INFO`` with its USB side up, PiKVM
  HID state); a backend with no way to ask passes with "cannot tell".

A failed check is a rig ``error``: the fleet quarantines the device with ``HealthReport.reason``
(``FleetStore.record_health``). Any exception of a backend counts as a failure of its check:
whatever the cause, the rig could not do what a run needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.targets.protocols import PowerState, can_read_power_state, probe_keyboard
from harness.targets.target import Target
from harness.vision.blank import blank_kind


@dataclass(frozen=True)
class HealthCheck:
    name: str
    """``power``, ``screen`` or ``keyboard``."""
    ok: bool
    detail: str


@dataclass(frozen=True)
class HealthReport:
    device: str
    checks: tuple[HealthCheck, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failed(self) -> tuple[HealthCheck, ...]:
        return tuple(check for check in self.checks if not check.ok)

    @property
    def reason(self) -> str:
        """``screen: ...; keyboard: ...`` for the failed checks, empty when healthy."""
        return "; ".join(f"{check.name}: {check.detail}" for check in self.failed)


def check_health(target: Target) -> HealthReport:
    power, state = _check_power(target)
    checks = (power, _check_screen(target, state), _check_keyboard(target))
    return HealthReport(target.name, checks)


def _check_power(target: Target) -> tuple[HealthCheck, PowerState]:
    if target.power is None:
        return HealthCheck("power", True, "no power backend configured"), PowerState.UNKNOWN
    if not can_read_power_state(target.power):
        detail = "the power backend cannot read a state (by configuration)"
        return HealthCheck("power", True, detail), PowerState.UNKNOWN
    try:
        state = target.power.power_state()
    except Exception as problem:  # any backend failure: see the module docstring
        return HealthCheck("power", False, f"cannot read the state: {_describe(problem)}"), (
            PowerState.UNKNOWN
        )
    if state == PowerState.UNKNOWN:
        return HealthCheck("power", False, "the power backend answered 'unknown'"), state
    return HealthCheck("power", True, f"power is {state.value}"), state


def _check_screen(target: Target, power: PowerState) -> HealthCheck:
    try:
        frame = target.screen.grab()
    except Exception as problem:  # any backend failure: see the module docstring
        return HealthCheck("screen", False, f"no frame: {_describe(problem)}")
    kind = blank_kind(frame.image)
    shown = f"{frame.width}x{frame.height} frame from {frame.source}"
    if kind == "black" and power == PowerState.ON:
        return HealthCheck("screen", False, f"black {shown} while power is on")
    return HealthCheck("screen", True, f"{kind or 'a picture'}: {shown}")


def _check_keyboard(target: Target) -> HealthCheck:
    try:
        probe = probe_keyboard(target.keyboard)
    except Exception as problem:  # any backend failure: see the module docstring
        return HealthCheck("keyboard", False, f"does not answer: {_describe(problem)}")
    if probe.answers is None:
        return HealthCheck("keyboard", True, f"cannot tell ({probe.detail})")
    return HealthCheck("keyboard", probe.answers, probe.detail)


def _describe(problem: Exception) -> str:
    return f"{type(problem).__name__}: {problem}"
