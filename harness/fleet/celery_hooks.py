"""What happens around each run a Celery worker executes: ``RunHooks`` is what the task calls
(lease, heartbeat, record); ``celery_store_hooks.StoreHooks`` implements it on the runs database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from harness.report import RunResult


@dataclass(frozen=True)
class RunTicket:
    """One submitted run: its Celery task id (the lease holder), the device, and why it runs
    (``submit``, ``schedule:nightly``)."""

    task_id: str
    device: str
    trigger: str = "submit"


class RunHooks(Protocol):
    def before_run(self, ticket: RunTicket) -> str | None:
        """Take the device's lease for ``ticket.task_id``; a reason to skip the run if held."""

    def renew(self, ticket: RunTicket) -> None:
        """Extend the lease (called with every heartbeat while the run goes)."""

    def after_run(self, ticket: RunTicket, host: str, result: RunResult) -> None:
        """Record the finished run (also a reaped one) and release the lease."""
