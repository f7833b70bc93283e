"""``harness worker``: run this rig host's devices from the lab's Celery queues.

    harness worker --host rig-01 --config lab.yaml           # one node per device of rig-01
    harness worker --host rig-01 --config lab.yaml --beat    # and the lab's schedule (one host)

Each device whose ``host:`` is this host gets its own Celery worker node consuming only the
queue ``device.<name>``, one run at a time; runs come from ``harness fleet submit`` and from the
schedule. Stop with SIGTERM or Ctrl-C (a running run finishes first, up to --stop-timeout).
See docs/fleet.md.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from harness.errors import ConfigError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="run this rig host's devices from the Celery queues (Redis broker)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", required=True, help="this rig host's name (devices' host:)")
    parser.add_argument("--config", type=Path, required=True, help="the lab YAML file")
    parser.add_argument("--beat", action="store_true", help="also run the lab's schedule")
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=Path(".harness-fleet"),
        help="local folder for beat's schedule state (default .harness-fleet/)",
    )
    parser.add_argument(
        "--stop-timeout",
        type=float,
        default=60.0,
        help="seconds a stopping node may take to finish its run before SIGKILL (default 60)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from harness.fleet.celery_beat import beat_schedule
    from harness.fleet.celery_lab import load_fleet_lab
    from harness.fleet.celery_supervisor import HostSupervisor

    lab = load_fleet_lab(args.config)
    devices = lab.devices_of_host(args.host)
    if not devices and not args.beat:
        raise ConfigError(f"no device has host: {args.host}", source=str(args.config), key="--host")
    if args.beat:
        beat_schedule(lab)  # a bad cron string is refused here, before anything starts
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    state = args.state_dir / f"beat-{args.host}" if args.beat else None
    supervisor = HostSupervisor(
        lab.path, args.host, devices, beat_state=state, stop_timeout_s=args.stop_timeout
    )
    return supervisor.run()
