"""When a run is tried again and when a device is taken out of the fleet.

- A run that ended ``error`` (the rig misbehaved) is retried once, and only after a health check
  passed: a rig that is still broken would only produce a second ``error``.
- ``failed`` is never retried: it is the product's verdict, and retrying until green would hide
  a real fault. ``passed`` needs no retry.
- ``QuarantineRule``: N consecutive rig errors (default 3) quarantine the device, as a failed
  health check does at once.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_ATTEMPTS = 2
"""The first run and one retry."""
DEFAULT_QUARANTINE_AFTER = 3


def should_retry(verdict: str, attempt: int, health_ok: bool) -> bool:
    """Whether to run again after attempt number ``attempt`` (1 for the first run) ended with
    ``verdict``, ``health_ok`` being the health check made after it."""
    if attempt < 1:
        raise ValueError(f"attempt counts from 1, got {attempt}")
    return verdict == "error" and attempt < MAX_ATTEMPTS and health_ok


def counts_as_rig_error(verdict: str) -> bool:
    """``error``, and ``running`` (a run record never finalised: the run died, not the device)."""
    return verdict not in ("passed", "failed")


@dataclass(frozen=True)
class QuarantineRule:
    after: int = DEFAULT_QUARANTINE_AFTER
    """Consecutive rig errors that quarantine a device (>= 1)."""

    def __post_init__(self) -> None:
        if self.after < 1:
            raise ValueError(f"quarantine after >= 1 consecutive errors, got {self.after}")

    def trips(self, consecutive_errors: int) -> bool:
        return consecutive_errors >= self.after

    def reason(self, consecutive_errors: int, last_reason: str) -> str:
        return f"{consecutive_errors} consecutive rig errors (last: {last_reason or 'no reason'})"
