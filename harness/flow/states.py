"""The states of the technician flow and what a finished flow returns."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from harness.vision import ScreenState

FIRST_SCREENS = (ScreenState.OOBE,)
RESULT_STATES = (ScreenState.SUCCESS, ScreenState.FAILURE)


class FlowState(enum.Enum):
    POWER_ON = "power-on"
    OPEN_OPTIONS = "open-options"
    SELECT_PROVISIONING = "select-provisioning"
    CHECK_CONFIGURATION = "check-configuration"
    PROVISION = "provision"
    READ_RESULT = "read-result"
    RESEAL = "reseal"
    DIAGNOSTICS = "diagnostics"
    DONE = "done"


@dataclass
class FlowOutcome:
    verdict: str
    reason: str
    result: str = "none"
    error_codes: list[str] = field(default_factory=list)
