"""``backend: sim`` in a lab file: the registry's ``create`` for the simulated device.

The simulated device is one object for screen, keyboard and power, so it serves only as
``target:`` (three separate parts would be three unrelated devices). Its settings are checked by
``harness.config.backends_virtual.SimSettings``; a bad one is a ``ConfigError`` in the lab file's
one error form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.config.backends_virtual import SimSettings
from harness.config.validation import validate
from harness.sim.model.clock import Clock
from harness.targets.rig_settings import check_role
from harness.targets.sim import make_sim_target
from harness.targets.target import Target

DEFAULT_WINDOWS = 10


def create(
    role: str, settings: Mapping[str, Any], *, source: str, clock: Clock | None = None
) -> Target:
    """``clock``: the device's clock (default the wall clock); a fleet run gives each simulated
    device a ``VirtualClock`` of its own, so a busy host cannot change its verdict."""
    check_role(role, ("all",), backend="sim", source=source)
    checked = validate(SimSettings, dict(settings), source=source)
    width, height = checked.size
    profile_service = None
    if checked.profile_service:
        from harness.sim.model.scenario import scenario
        from harness.sim.profile_client import HttpProfileService

        ztd_id = scenario(checked.scenario, checked.overrides).ztd_id
        profile_service = HttpProfileService(
            checked.profile_service, ztd_id, ca_file=checked.profile_service_ca_file
        )
    return make_sim_target(
        checked.scenario,
        windows=checked.windows or DEFAULT_WINDOWS,
        size=(width, height),
        time_scale=checked.time_scale,
        overrides=checked.overrides,
        seed=checked.seed,
        profile_service=profile_service,
        clock=clock,
    )
