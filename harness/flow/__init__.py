"""The technician flow: an explicit state machine over the screens, verdicts and timings."""

from harness.flow.expectation import Expectation
from harness.flow.memory_recorder import MemoryRecorder
from harness.flow.outcome import DeviceFailure
from harness.flow.runner import FlowRun, execute, judge, run_flow
from harness.flow.settings import FlowSettings
from harness.flow.sim_limits import sim_flow_settings
from harness.flow.states import FlowOutcome, FlowState
from harness.flow.technician import TechnicianFlow

__all__ = [
    "DeviceFailure",
    "Expectation",
    "FlowOutcome",
    "FlowRun",
    "FlowSettings",
    "FlowState",
    "MemoryRecorder",
    "TechnicianFlow",
    "execute",
    "judge",
    "run_flow",
    "sim_flow_settings",
]
