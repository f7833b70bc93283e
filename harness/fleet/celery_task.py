"""The body of one Celery task: one run of one device, exactly as ``harness run --config LAB
--device NAME`` runs it, between the hooks (lease, record) and under a heartbeat.

No Celery in here: ``celery_app`` wraps it, and a test can call it directly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from harness.config.choice import DeviceChoice, device_flow_run
from harness.fleet.celery_hooks import RunHooks, RunTicket
from harness.fleet.celery_lab import FleetLab
from harness.fleet.celery_liveness import (
    TICKET_FILE,
    Heartbeat,
    close_ticket,
    open_ticket,
    reap_device,
    run_folder,
)
from harness.flow.runner import execute
from harness.report import RunResult
from harness.report.bundle_files import RESULT_FILE

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TaskOutcome:
    """What the task reports back (Celery ignores it; the record is what counts)."""

    status: str
    """``ran``, ``skipped`` (lease held), ``already-ran`` (a redelivered message)."""
    detail: str = ""
    bundle_dir: str = ""


def run_ticket(lab: FleetLab, ticket: RunTicket, *, host: str, hooks: RunHooks) -> TaskOutcome:
    ttl_s = lab.fleet.lease_ttl_s
    reap_device(lab.bundles, ticket.device, host=host, ttl_s=ttl_s, hooks=hooks)
    folder = run_folder(lab.bundles, ticket)
    if (folder / TICKET_FILE).exists():
        # The broker handed this run out again (acks late: its worker died, or it outlived the
        # visibility timeout). It ran, or the reaper just finalised it: once is enough.
        log.info("run %s of %s was already taken; not run twice", ticket.task_id, ticket.device)
        return TaskOutcome("already-ran", str(folder))
    held = hooks.before_run(ticket)
    if held is not None:
        log.warning("run %s of %s skipped: %s", ticket.task_id, ticket.device, held)
        return TaskOutcome("skipped", held)
    state = open_ticket(folder, ticket, host)
    try:
        with Heartbeat(folder, state, hooks, interval_s=ttl_s / 4):
            result = _run_device(lab.path, ticket.device, folder)
    except BaseException:
        # A configuration error or a stop request: execute() finalised the bundle; record it.
        result = _bundle_result(folder)
        if result is not None:
            hooks.after_run(ticket, host, result)
            close_ticket(folder, state)
        raise
    hooks.after_run(ticket, host, result)
    close_ticket(folder, state)
    return TaskOutcome("ran", f"{result.verdict}: {result.reason}", str(result.bundle_dir))  # type: ignore[attr-defined]


def _run_device(lab_path: Path, device: str, folder: Path) -> RunResult:
    choice = DeviceChoice(config=lab_path, device=device)
    run = device_flow_run(choice, out_dir=folder)
    with run.target:
        return execute(run)


def _bundle_result(folder: Path) -> RunResult | None:
    results = sorted(folder.glob(f"*/{RESULT_FILE}"))
    if not results:
        return None
    result = RunResult.load(results[-1])
    if not result.complete:
        return None  # left for the reaper
    result.bundle_dir = results[-1].parent  # type: ignore[attr-defined]
    return result
