"""``harness fleet status``: each device's health, quarantine, lease and last verdict.

    harness fleet status --config lab.yaml
    harness fleet status --config lab.yaml --db postgresql+psycopg://harness@db.lab/fleet --json

Lists the lab file's devices, then any other device the database knows (a device removed from
the lab file, a run recorded by another host's lab file).
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any

from harness.cli.fleet_commands import add_lab_and_database_options, open_store
from harness.config.devices import load_lab_config


def register(actions: Any) -> None:
    parser = actions.add_parser(
        "status",
        help="health, quarantine, lease and last verdict of every device",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_lab_and_database_options(parser)
    parser.add_argument("--json", action="store_true", help="one JSON object per device")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    lab = load_lab_config(args.config)
    store = open_store(args)
    try:
        rows = store.status(list(lab.devices))
        known = {row.device for row in rows}
        rows += [row for row in store.status() if row.device not in known]
    finally:
        store.close()
    if args.json:
        for row in rows:
            print(json.dumps({key: _plain(value) for key, value in vars(row).items()}))
        return 0
    table = [("DEVICE", "HEALTH", "QUARANTINE", "LEASE", "LAST RUN")]
    table += [
        (
            row.device,
            {None: "unchecked", True: "ok", False: f"FAILED {row.health_reason}"}[row.health_ok],
            f"YES {row.quarantine_reason}" if row.quarantined else "no",
            _lease(row),
            f"{row.last_verdict} {_time(row.last_run_ended)}" if row.last_verdict else "-",
        )
        for row in rows
    ]
    widths = [max(len(line[column]) for line in table[:]) for column in range(4)]
    for line in table:
        cells = [cell.ljust(width) for cell, width in zip(line[:4], widths, strict=True)]
        print("  ".join([*cells, line[4]]).rstrip())
    return 0


def _lease(row: Any) -> str:
    if row.lease_holder is None:
        return "free"
    state = "expired" if row.lease_expired else "until"
    return f"{row.lease_holder} ({state} {_time(row.lease_expires_at)})"


def _time(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M:%SZ")


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value
