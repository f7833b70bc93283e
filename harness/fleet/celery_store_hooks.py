"""The Celery worker's run hooks on the runs database: a run takes the device's lease in the
``FleetStore`` (one flow per device across every host), renews it with each heartbeat, and is
recorded there, once per Celery task, with its host, trigger and bundle."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from harness.fleet.celery_hooks import RunHooks, RunTicket
from harness.fleet.celery_lab import FleetLab
from harness.fleet.lease import Lease, LeaseLost
from harness.fleet.store import FleetStore
from harness.report import RunResult


class StoreHooks:
    """``RunHooks`` over a ``FleetStore``; the lease holder is the Celery task id."""

    def __init__(
        self,
        store: FleetStore,
        lease_ttl_s: float,
        facts: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.store = store
        self.lease_ttl_s = lease_ttl_s
        self.facts = dict(facts or {})
        self._leases: dict[str, Lease] = {}
        self._lock = threading.Lock()  # the heartbeat renews from its own thread

    def before_run(self, ticket: RunTicket) -> str | None:
        if self.store.is_quarantined(ticket.device):
            return f"{ticket.device} is quarantined (harness fleet status says why)"
        lease = self.store.acquire_lease(ticket.device, ticket.task_id, self.lease_ttl_s)
        if lease is None:
            holder = self.store.lease_holder(ticket.device) or "another run"
            return f"lease held by {holder}"
        with self._lock:
            self._leases[ticket.task_id] = lease
        return None

    def renew(self, ticket: RunTicket) -> None:
        with self._lock:
            lease = self._leases.get(ticket.task_id)
            if lease is None:
                return
            try:
                self._leases[ticket.task_id] = self.store.renew_lease(lease, self.lease_ttl_s)
            except LeaseLost:
                # Taken over after an expiry: the run goes on and is still recorded; the other
                # holder's run is the one that may now start (and the record shows both).
                del self._leases[ticket.task_id]

    def after_run(self, ticket: RunTicket, host: str, result: RunResult) -> None:
        self.store.record_run(
            ticket.device,
            host,
            self.facts.get(ticket.device, {}),
            result,
            task_id=ticket.task_id,
            trigger=ticket.trigger,
        )
        with self._lock:
            lease = self._leases.pop(ticket.task_id, None)
        if lease is not None:
            self.store.release_lease(lease)
        else:  # a reaped run: its worker died holding the lease
            self.store.release_lease_of(ticket.device, ticket.task_id)


@contextmanager
def store_hooks(lab: FleetLab) -> Iterator[RunHooks]:
    """The hooks of one task or reaping pass, on the lab's runs database (closed after)."""
    store = FleetStore.open(lab.database_url)
    try:
        facts = {name: device.facts for name, device in lab.devices.items()}
        yield StoreHooks(store, lab.fleet.lease_ttl_s, facts)
    finally:
        store.close()
