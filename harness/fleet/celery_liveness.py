"""Which runs are alive: a ticket file per run, its heartbeat, and the reaper of dead runs.

Each run a worker takes gets its own folder ``<bundles>/<device>/<task id>/`` holding
``ticket.json`` (who runs it: host, pid; the last heartbeat) and the run bundle, which the flow
writes as it goes. A worker killed mid-run (SIGKILL, power cut) leaves the ticket unfinished
and the bundle's ``result.json`` saying ``complete: false``. The reaper finds such runs - a
heartbeat older than the lease TTL, or a pid of this host that no longer exists - finalises their
bundle as ``error`` ("the worker died mid-run"), records them through the hooks (which also
releases the lease) and closes the ticket. It runs when a device's worker starts and before
each of the device's runs, so a device is never left stuck behind a dead run.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.fleet.celery_hooks import RunHooks, RunTicket
from harness.report import RunBundle, RunResult, write_html_report
from harness.report.atomic import atomic_write_text
from harness.report.bundle_files import RESULT_FILE
from harness.report.result import Event

TICKET_FILE = "ticket.json"
DIED_REASON = "the worker died mid-run"

log = logging.getLogger(__name__)


@dataclass
class TicketState:
    task_id: str
    device: str
    trigger: str
    host: str
    pid: int
    heartbeat_at: float
    """Wall-clock seconds (shared by every host, unlike a monotonic clock)."""
    finished: bool = False

    @property
    def ticket(self) -> RunTicket:
        return RunTicket(self.task_id, self.device, self.trigger)


def run_folder(bundles: Path, ticket: RunTicket) -> Path:
    return bundles / ticket.device / ticket.task_id


def open_ticket(folder: Path, ticket: RunTicket, host: str) -> TicketState:
    folder.mkdir(parents=True, exist_ok=True)
    state = TicketState(**asdict(ticket), host=host, pid=os.getpid(), heartbeat_at=time.time())
    _save(folder, state)
    return state


def close_ticket(folder: Path, state: TicketState) -> None:
    state.finished = True
    _save(folder, state)


def _save(folder: Path, state: TicketState) -> None:
    atomic_write_text(folder / TICKET_FILE, json.dumps(asdict(state)) + "\n")


def _load(folder: Path) -> TicketState | None:
    try:
        return TicketState(**json.loads((folder / TICKET_FILE).read_text(encoding="utf-8")))
    except (FileNotFoundError, json.JSONDecodeError, TypeError):
        return None


class Heartbeat:
    """While the run goes: every ``interval_s``, the ticket's heartbeat and the lease renewed."""

    def __init__(
        self, folder: Path, state: TicketState, hooks: RunHooks, interval_s: float
    ) -> None:
        self._folder, self._state, self._hooks = folder, state, hooks
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="run-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self._interval_s):
            self._state.heartbeat_at = time.time()
            _save(self._folder, self._state)
            self._hooks.renew(self._state.ticket)


def is_dead(state: TicketState, *, host: str, ttl_s: float, now: float) -> bool:
    if state.finished:
        return False
    if state.heartbeat_at + ttl_s < now:
        return True
    # On its own host a worker can tell at once: the pid is gone (or it is a restarted worker).
    return state.host == host and state.pid != os.getpid() and not _pid_alive(state.pid)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def reap_device(bundles: Path, device: str, *, host: str, ttl_s: float, hooks: RunHooks) -> int:
    """Finalise and record the dead runs of ``device``; return how many."""
    reaped = 0
    now = time.time()
    for folder in sorted((bundles / device).glob(f"*/{TICKET_FILE}")):
        state = _load(folder.parent)
        if state is None or not is_dead(state, host=host, ttl_s=ttl_s, now=now):
            continue
        result = finalise_dead_run(folder.parent, state)
        hooks.after_run(state.ticket, state.host, result)
        close_ticket(folder.parent, state)
        log.warning("reaped run %s of %s: %s", state.task_id, device, result.reason)
        reaped += 1
    return reaped


def finalise_dead_run(folder: Path, state: TicketState) -> RunResult:
    """The run's bundle so far, finalised as ``error``; a bundle of its own if it had none."""
    stopped = datetime.fromtimestamp(state.heartbeat_at, UTC).isoformat()
    reason = f"{DIED_REASON} (host {state.host}, pid {state.pid}, last heartbeat {stopped})"
    results = sorted(folder.glob(f"*/{RESULT_FILE}"))
    if not results:
        with RunBundle(folder, name_parts=(state.device,)) as bundle:
            bundle.finalise("error", f"{reason}, before its bundle was created")
        return _with_folder(bundle.result, bundle.path)
    path = results[-1]
    result = RunResult.load(path)
    if not result.complete:
        result.verdict, result.reason, result.complete = "error", reason, True
        result.finished_at = stopped
        last = max([0.0, *(event.time for event in result.events)])
        result.events.append(Event(time=last, kind="worker-lost", detail=reason))
        atomic_write_text(path, result.to_json())
        write_html_report(path.parent)
    return _with_folder(result, path.parent)


def _with_folder(result: RunResult, folder: Path) -> RunResult:
    result.bundle_dir = folder  # type: ignore[attr-defined]
    return result


def ticket_states(bundles: Path, device: str) -> list[dict[str, Any]]:
    """Every ticket of ``device`` (for tests and ``fleet`` status views)."""
    return [
        asdict(state)
        for path in sorted((bundles / device).glob(f"*/{TICKET_FILE}"))
        if (state := _load(path.parent)) is not None
    ]
