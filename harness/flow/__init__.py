"""The technician flow: an explicit state machine over the screens, verdicts and timings."""

from harness.flow.expectation import Expectation
from harness.flow.outcome import DeviceFailure
from harness.flow.runner import run_flow
from harness.flow.settings import FlowSettings
from harness.flow.technician import FlowState, TechnicianFlow

__all__ = [
    "DeviceFailure",
    "Expectation",
    "FlowSettings",
    "FlowState",
    "TechnicianFlow",
    "run_flow",
]
