"""How a step ends the run early. Device misbehaviour is a ``DeviceFailure`` (verdict ``failed``);
rig misbehaviour is any ``harness.errors.RigError`` (verdict ``error``)."""

from __future__ import annotations


class DeviceFailure(Exception):
    """The device under test did something it should not: the verdict is ``failed``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
