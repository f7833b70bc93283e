"""Vision: frame in, observation out. ``Vision`` is the entry point; the types are the contract."""

from harness.vision.observation import (
    Button,
    Candidate,
    EspPhase,
    EspStep,
    Evidence,
    FailureCategory,
    Fields,
    Observation,
    QrResult,
    ScreenState,
)
from harness.vision.stats import VisionStats
from harness.vision.vision import Vision

__all__ = [
    "Button",
    "Candidate",
    "EspPhase",
    "EspStep",
    "Evidence",
    "FailureCategory",
    "Fields",
    "Observation",
    "QrResult",
    "ScreenState",
    "Vision",
    "VisionStats",
]
