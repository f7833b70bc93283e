"""What happens around each run a Celery worker executes: the seam to the runs database.

``RunHooks`` is what the task calls; ``RecordFileHooks`` is the embedded default (a lease file
per device and one JSON line per finished run, in the bundles folder). The integration swaps in
the database store (``FleetStore.acquire_lease`` / ``record_run``) behind the same three calls.
"""

from __future__ import annotations

import fcntl
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from harness.report import RunResult

RECORD_FILE = "fleet-runs.jsonl"
STATE_DIR = ".fleet"


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


class RecordFileHooks:
    """Leases as ``.fleet/leases/<device>.json`` and records as lines of ``fleet-runs.jsonl``,
    both under the bundles folder; each change under an exclusive ``flock``."""

    def __init__(self, bundles: Path, lease_ttl_s: float) -> None:
        self.bundles = bundles
        self.lease_ttl_s = lease_ttl_s

    @property
    def record_file(self) -> Path:
        return self.bundles / RECORD_FILE

    def lease_file(self, device: str) -> Path:
        return self.bundles / STATE_DIR / "leases" / f"{device}.json"

    def before_run(self, ticket: RunTicket) -> str | None:
        path = self.lease_file(ticket.device)
        with _locked(path):
            held = _read_json(path)
            now = time.time()
            if held and held["holder"] != ticket.task_id and held["expires_at"] > now:
                return f"lease held by {held['holder']} until {held['expires_at']:.0f}"
            _write_json(path, {"holder": ticket.task_id, "expires_at": now + self.lease_ttl_s})
        return None

    def renew(self, ticket: RunTicket) -> None:
        path = self.lease_file(ticket.device)
        with _locked(path):
            held = _read_json(path)
            if held and held["holder"] == ticket.task_id:
                _write_json(
                    path, {"holder": ticket.task_id, "expires_at": time.time() + self.lease_ttl_s}
                )

    def after_run(self, ticket: RunTicket, host: str, result: RunResult) -> None:
        data = result.to_dict()
        record = {
            **asdict(ticket),
            "host": host,
            "run_id": data["run_id"],
            "verdict": data["verdict"],
            "reason": data["reason"],
            "started_at": data["started_at"],
            "finished_at": data["finished_at"],
            "bundle_dir": str(getattr(result, "bundle_dir", "")),
        }
        with _locked(self.record_file), self.record_file.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
        path = self.lease_file(ticket.device)
        with _locked(path):
            held = _read_json(path)
            if held and held["holder"] == ticket.task_id:
                path.unlink()

    def records(self) -> list[dict[str, Any]]:
        if not self.record_file.exists():
            return []
        lines = self.record_file.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` + ``.lock`` (hosts sharing the folder take turns)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_name(path.name + ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def _write_json(path: Path, data: dict[str, Any]) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data), encoding="utf-8")
    temporary.replace(path)


def default_hooks(bundles: Path, lease_ttl_s: float) -> RunHooks:
    """The embedded default; the integration returns the database store here."""
    return RecordFileHooks(bundles, lease_ttl_s)
