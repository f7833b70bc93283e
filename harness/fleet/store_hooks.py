"""``harness fleet run`` on the runs database: before each device's run its quarantine, its
lease and a health check; after it the record, and the retry policy.

- A quarantined device is skipped with its reason; a device whose lease another run holds (on
  this host or another) is skipped, naming the holder.
- The health check (``harness.fleet.health``) runs on the device's own target before the run.
  A failed one is recorded (which quarantines the device) and the device ends ``error`` with
  the checks that failed: the rig is broken, not the device.
- Every finished run is recorded with its attempt number; the quarantine rule counts the rig
  errors. A run that ended ``error`` is retried once when a new health check passes; ``failed``
  is never retried (it is the product's verdict).
- Leases are renewed in the background while runs go, so a run longer than the lease keeps its
  device, and a killed ``fleet run`` holds its devices for at most one lease time.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from harness.config.devices import DeviceConfig
from harness.errors import RigError
from harness.fleet.health import HealthReport, check_health
from harness.fleet.lease import Lease, LeaseLost
from harness.fleet.policy import should_retry
from harness.fleet.store import FleetStore
from harness.report import RunResult
from harness.targets.target import Target

DEFAULT_LEASE_TTL_S = 120.0
LOG = logging.getLogger(__name__)

TargetFactory = Callable[[DeviceConfig], Target]


class HealthCheckFailed(RigError):
    """The pre-run health check failed: the device is quarantined, its run not started."""


class FleetStoreHooks:
    """``FleetHooks`` over a ``FleetStore``. Thread-safe: each device's calls come from the
    run thread of that device, the renewals from one background thread."""

    def __init__(
        self,
        store: FleetStore,
        host: str,
        build: TargetFactory,
        *,
        lease_ttl_s: float = DEFAULT_LEASE_TTL_S,
        health_checks: bool = True,
    ) -> None:
        self.store = store
        self.host = host
        self.build = build
        self.lease_ttl_s = lease_ttl_s
        self.health_checks = health_checks
        self.holder = f"fleet-run@{host}:{os.getpid()}"
        self._leases: dict[str, Lease] = {}
        self._attempts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._renewer = threading.Thread(target=self._renew, name="fleet-leases", daemon=True)
        self._renewer.start()

    def before_run(self, device: DeviceConfig) -> str | None:
        name = device.name
        if self.store.is_quarantined(name):
            [status] = self.store.status([name])
            return f"quarantined: {status.quarantine_reason or 'see harness fleet status'}"
        lease = self.store.acquire_lease(name, self.holder, self.lease_ttl_s)
        if lease is None:
            return f"leased by {self.store.lease_holder(name) or 'another run'}"
        with self._lock:
            self._leases[name] = lease
        if self.health_checks:
            report = self._health(device)
            if not report.ok:
                self._release(name)
                raise HealthCheckFailed(f"health check failed, quarantined: {report.reason}")
        return None

    def after_run(self, device: DeviceConfig, result: RunResult) -> bool:
        name = device.name
        with self._lock:
            attempt = self._attempts[name] = self._attempts.get(name, 0) + 1
        self.store.record_run(name, self.host, device.facts, result, attempt=attempt)
        health_ok = False
        if should_retry(result.verdict, attempt, health_ok=True) and self.health_checks:
            health_ok = self._health(device).ok
        if should_retry(result.verdict, attempt, health_ok):
            return True  # the lease stays for the second attempt
        self._release(name)
        return False

    def close(self) -> None:
        """Stop renewing and free every lease still held (a stopped run's devices)."""
        self._closed.set()
        self._renewer.join(timeout=10)
        with self._lock:
            names = list(self._leases)
        for name in names:
            self._release(name)

    def _health(self, device: DeviceConfig) -> HealthReport:
        try:
            with self.build(device) as target:
                report = check_health(target)
        except Exception as problem:  # the target itself cannot be reached: a failed check
            self.store.record_health(device.name, False, f"target: {problem}")
            raise HealthCheckFailed(f"health check failed, quarantined: {problem}") from None
        self.store.record_health(device.name, report.ok, report.reason)
        return report

    def _release(self, name: str) -> None:
        with self._lock:
            lease = self._leases.pop(name, None)
        if lease is not None:
            self.store.release_lease(lease)

    def _renew(self) -> None:
        while not self._closed.wait(self.lease_ttl_s / 3):
            with self._lock:
                held = dict(self._leases)
            for name, lease in held.items():
                try:
                    renewed = self.store.renew_lease(lease, self.lease_ttl_s)
                except LeaseLost:
                    renewed = None  # taken over after an expiry: nothing left to renew
                except Exception as problem:  # the database away for a moment: next round
                    LOG.warning("renewing the lease of %s failed: %s", name, problem)
                    continue
                with self._lock:
                    if name in self._leases:
                        if renewed is None:
                            del self._leases[name]
                        else:
                            self._leases[name] = renewed
