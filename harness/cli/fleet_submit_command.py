"""``harness fleet submit``: queue runs for the lab's Celery workers, from any machine.

    harness fleet submit --config lab.yaml --devices sim-01,laptop-07
    harness fleet submit --config lab.yaml --devices tag:nightly

One run per selected device, on the device's queue; the worker of its host runs it when the
device is free. Prints one line per run: device, host, task id. Results: the records in the
bundles folder (fleet.bundles).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(actions: argparse._SubParsersAction) -> None:
    """``submit`` in the ``fleet`` group (harness/cli/fleet_commands.py)."""
    parser = actions.add_parser(
        "submit",
        help="queue runs for the rig hosts' workers",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", type=Path, required=True, help="the lab YAML file")
    parser.add_argument(
        "--devices", required=True, help="device names, comma-separated, or tag:TAG"
    )
    parser.set_defaults(handler=handle_submit)


def handle_submit(args: argparse.Namespace) -> int:
    from harness.fleet.celery_app import make_celery_app, submit_runs
    from harness.fleet.celery_lab import load_fleet_lab

    lab = load_fleet_lab(args.config)
    app = make_celery_app(lab)
    for device, task_id in submit_runs(app, lab, args.devices):
        print(f"{device}\t{lab.host_of(device)}\t{task_id}")
    return 0
