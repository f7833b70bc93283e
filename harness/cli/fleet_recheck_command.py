"""``harness fleet recheck``: health-check the quarantined devices, release those that pass.

    harness fleet recheck --config lab.yaml                   # every quarantined device
    harness fleet recheck --config lab.yaml --devices laptop-07,laptop-08

Meant for a schedule (a cron job or systemd timer every hour, say). Each device is checked
under its lease, so a recheck never touches a device a run holds (it is skipped, said so).
Exit code 0 when every checked device passed, 2 when one stays quarantined.
"""

from __future__ import annotations

import argparse
from typing import Any

from harness.cli.fleet_commands import add_lab_and_database_options, open_store, selected_devices
from harness.cli.main import EXIT_ERROR
from harness.config.devices import build_target, load_lab_config
from harness.errors import RigError

LEASE_TTL_S = 300.0
"""A health check takes seconds; a recheck killed mid-way frees the device after this."""


def register(actions: Any) -> None:
    parser = actions.add_parser(
        "recheck",
        help="health-check quarantined devices and release those that pass",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_lab_and_database_options(parser)
    parser.add_argument("--devices", metavar="NAMES", help="comma-separated device names")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from harness.fleet.health import check_health
    from harness.fleet.store import default_holder

    lab = load_lab_config(args.config)
    named = selected_devices(args.devices, list(lab.devices))
    store = open_store(args)
    still_quarantined = 0
    try:
        quarantined = [name for name in store.quarantined_devices() if name in lab.devices]
        for name in named or []:
            if name not in quarantined:
                print(f"{name}: not quarantined, not checked")
        for name in [name for name in quarantined if named is None or name in named]:
            lease = store.acquire_lease(name, default_holder(), LEASE_TTL_S)
            if lease is None:
                print(f"{name}: leased by {store.lease_holder(name)}, not checked")
                still_quarantined += 1
                continue
            with lease:
                try:
                    with build_target(lab.device(name)) as target:
                        report = check_health(target)
                    ok, reason = report.ok, report.reason
                except RigError as problem:
                    ok, reason = False, f"cannot reach the rig: {problem}"
                store.record_health(name, ok, reason)
                if ok:
                    store.release(name)
                    print(f"{name}: healthy, released from quarantine")
                else:
                    still_quarantined += 1
                    print(f"{name}: still quarantined: {reason}")
        if not quarantined:
            print("no quarantined device in this lab file")
    finally:
        store.close()
    return EXIT_ERROR if still_quarantined else 0
