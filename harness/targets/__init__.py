"""Target interfaces and their backends (one module per backend)."""

from harness.targets.events import EventSource, TargetEvent, TargetEventKind
from harness.targets.frame import Frame
from harness.targets.protocols import (
    DEFAULT_HOLD_S,
    GracefulPower,
    Keyboard,
    Pointer,
    Power,
    PowerState,
    Screen,
)
from harness.targets.target import Capability, Target

__all__ = [
    "DEFAULT_HOLD_S",
    "Capability",
    "EventSource",
    "Frame",
    "GracefulPower",
    "Keyboard",
    "Pointer",
    "Power",
    "PowerState",
    "Screen",
    "Target",
    "TargetEvent",
    "TargetEventKind",
]
