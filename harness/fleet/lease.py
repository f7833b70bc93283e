"""A held lease on a device, as the fleet runner uses it (``FleetStore.acquire_lease``).

    lease = store.acquire_lease("laptop-07", holder, ttl_s=900)
    if lease is None:
        ...                      # someone else runs a flow on it now
    with lease:                  # released on exit, whatever happened
        lease.renew(900)         # before the expiry, while the run goes on

A worker killed while holding one leaves the row behind; it blocks the device until its expiry,
then the next ``acquire_lease`` takes it over (docs/fleet.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from harness.errors import RigError
from harness.fleet.leases import LeaseState


class LeaseLost(RigError):
    """The lease expired and another worker took the device over (or it was released)."""


class LeaseBusy(RigError):
    """The device is leased by another holder."""


class _LeaseKeeper(Protocol):
    def renew_lease(self, lease: Lease, ttl_s: float) -> Lease: ...

    def release_lease(self, lease: Lease) -> bool: ...


@dataclass
class Lease:
    state: LeaseState
    keeper: _LeaseKeeper

    @property
    def device(self) -> str:
        return self.state.device

    @property
    def holder(self) -> str:
        return self.state.holder

    @property
    def token(self) -> int:
        return self.state.token

    @property
    def expires_at(self) -> datetime:
        return self.state.expires_at

    def renew(self, ttl_s: float) -> None:
        """Extend to ``ttl_s`` from now; raises ``LeaseLost`` when it is no longer ours."""
        self.state = self.keeper.renew_lease(self, ttl_s).state

    def release(self) -> bool:
        """Give the device back; False when it had already been taken over."""
        return self.keeper.release_lease(self)

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
