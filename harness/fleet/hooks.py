"""What a fleet run asks before and tells after each device's run: the seam for leases,
quarantine, health checks, the runs database and a retry policy (none of which live here).

    class LeaseHooks:
        def before_run(self, device: DeviceConfig) -> str | None:
            return None if store.lease(device.name) else "lease held by another host"

        def after_run(self, device: DeviceConfig, result: RunResult) -> bool:
            store.record(device.name, result)
            return policy.retry(device.name, result)   # True: run this device once more

Both are called in the device's own run thread, so they must be thread-safe. ``before_run``
returning a reason skips the device (verdict ``skipped``, JUnit ``<skipped>``); ``after_run``
is called after every run that produced a result, and returning True runs the device once more
(at most one retry per device; never after a stop).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from harness.config.devices import DeviceConfig
from harness.report import RunResult


class FleetHooks(Protocol):
    def before_run(self, device: DeviceConfig) -> str | None:
        """A reason to skip the device now (lease held, quarantined, health check failed)."""
        ...

    def after_run(self, device: DeviceConfig, result: RunResult) -> bool:
        """Record the run; True asks for one retry."""
        ...


class NoHooks:
    """The default: run every device once."""

    def before_run(self, device: DeviceConfig) -> str | None:
        return None

    def after_run(self, device: DeviceConfig, result: RunResult) -> bool:
        return False


@dataclass(frozen=True)
class DeviceOutcome:
    """How one device of a fleet run ended (its last attempt)."""

    device: str
    verdict: str
    """``passed``, ``failed``, ``error`` or ``skipped`` (never ran: before_run, a stop)."""
    reason: str
    duration_s: float = 0.0
    windows: int | None = None
    bundle_dir: Path | None = None
    """None when no bundle was written (skipped, or the target could not be built)."""
    result: RunResult | None = None
    attempts: int = 0
    earlier_bundles: tuple[Path, ...] = field(default_factory=tuple)
    """Bundles of the attempts before the last (after_run asked for a retry)."""
