"""``harness intune``: what Intune holds for a device, and the clean-up on its own.

    harness intune lookup --config lab.yaml --ztd-id 6f1c2a9e-...
    harness intune lookup --config lab.yaml --serial PF3XK2AB
    harness intune cleanup --config lab.yaml --device laptop-07 [--yes] [--entra]

``cleanup`` deletes the device's Intune managed-device record(s) (and with ``--entra`` or the
device's ``delete_entra_device: true`` its Entra device object) so that the next
pre-provisioning of the same hardware is not refused with 0x80180014. The Autopilot
registration is never deleted. The device is found by ``intune.ztd_id``, ``expect.ztd_id`` or
``intune.serial_number`` in the lab file. It asks before deleting unless ``--yes``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from harness.cli.main import EXIT_ERROR, EXIT_FAILED, EXIT_PASSED
from harness.errors import ConfigError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "intune",
        help="look a device up in Intune, or clean up its Intune record",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="intune_command", metavar="ACTION", required=True)
    lookup = commands.add_parser("lookup", help="print what Intune holds for a device")
    lookup.add_argument("--config", type=Path, required=True, help="lab YAML with intune:")
    which = lookup.add_mutually_exclusive_group(required=True)
    which.add_argument("--ztd-id", help="the ZtdId (from the QR code)")
    which.add_argument("--serial", help="the serial number")
    lookup.set_defaults(handler=handle_lookup)
    cleanup = commands.add_parser("cleanup", help="delete the device's managed-device record")
    cleanup.add_argument("--config", type=Path, required=True, help="lab YAML with intune:")
    cleanup.add_argument("--device", required=True, help="device name in --config")
    cleanup.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    cleanup.add_argument("--entra", action="store_true", help="also delete the Entra device")
    cleanup.set_defaults(handler=handle_cleanup)


def _lab_app(config: Path):  # type: ignore[no-untyped-def]
    from harness.config.devices import load_lab_config

    lab = load_lab_config(config)
    if lab.intune is None:
        raise ConfigError("the lab file has no intune: app registration", source=lab.source)
    return lab


def handle_lookup(args: argparse.Namespace) -> int:
    from harness.intune.session import open_session

    lab = _lab_app(args.config)
    session = open_session(lab.intune, source=lab.source)
    service = session.service
    if args.ztd_id:
        record = service.autopilot_record(args.ztd_id)
        records = [record] if record is not None else []
    else:
        records = service.autopilot_records_by_serial(args.serial)
    if not records:
        print(f"no Autopilot record for {args.ztd_id or args.serial}", file=sys.stderr)
        return EXIT_FAILED
    shown = []
    for record in records:
        managed = [device.to_dict() for device in service.managed_devices_of(record)]
        shown.append({"autopilot": record.to_dict(), "managed_devices": managed})
    print(json.dumps(shown if len(shown) > 1 else shown[0], indent=2))
    return EXIT_PASSED


def handle_cleanup(args: argparse.Namespace) -> int:
    from harness.intune.session import open_session
    from harness.intune.settings import IntuneDeviceSettings

    lab = _lab_app(args.config)
    device = lab.device(args.device)
    plan = device.intune or IntuneDeviceSettings()
    if args.entra:
        plan = plan.model_copy(update={"delete_entra_device": True})
    session = open_session(lab.intune, plan, source=lab.source)
    ztd_id = plan.ztd_id or device.expectation.ztd_id
    if ztd_id:
        record = session.service.autopilot_record(ztd_id)
    elif plan.serial_number:
        found = session.service.autopilot_records_by_serial(plan.serial_number)
        record = found[0] if found and found[0].serial_number == plan.serial_number else None
    else:
        raise ConfigError(
            "the device names neither intune.ztd_id, expect.ztd_id nor intune.serial_number",
            source=lab.source,
            key=f"devices.{args.device}.intune",
        )
    if record is None:
        print(f"no Autopilot record for {ztd_id or plan.serial_number}", file=sys.stderr)
        return EXIT_FAILED
    managed = session.service.managed_devices_of(record)
    what = ", ".join(f"{d.id} ({d.device_name})" for d in managed) or "none"
    print(f"{args.device}: serial {record.serial_number}, managed device(s): {what}")
    entra = plan.delete_entra_device and record.entra_device_id
    if entra:
        print(f"  and the Entra device {record.entra_device_id}")
    if not managed and not entra:
        print("nothing to delete")
        return EXIT_PASSED
    if not args.yes:
        answer = input("delete them? The Autopilot registration stays. [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("nothing deleted")
            return EXIT_FAILED
    report = session.clean_up(record, "on request")
    print(report.describe())
    return EXIT_PASSED if report.ok else EXIT_ERROR
