"""The fleet tests' view of the runs database: what the Celery workers recorded, as plain dicts."""

from __future__ import annotations

from typing import Any

from harness.fleet.records import RunRecord
from harness.fleet.store import FleetStore


def as_dict(record: RunRecord) -> dict[str, Any]:
    return {
        "task_id": record.task_id,
        "trigger": record.trigger,
        "device": record.device,
        "host": record.host,
        "run_id": record.run_id,
        "verdict": record.verdict,
        "reason": record.reason,
        "started_at": record.started.isoformat(),
        "finished_at": record.ended.isoformat() if record.ended else None,
        "bundle_dir": record.bundle,
    }


class StoredRuns:
    """Opens the database for each look, as another process (``harness fleet status``) would."""

    def __init__(self, url: str) -> None:
        self.url = url

    def records(self) -> list[dict[str, Any]]:
        store = FleetStore.open(self.url)
        try:
            return [as_dict(record) for record in store.runs(limit=100_000)]
        finally:
            store.close()

    def lease_holder(self, device: str) -> str | None:
        store = FleetStore.open(self.url)
        try:
            return store.lease_holder(device)
        finally:
            store.close()
