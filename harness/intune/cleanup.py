"""The clean-up that lets the same hardware be pre-provisioned again.

A device whose Intune managed-device record survives is refused at its next enrolment with
0x80180014 ("re-enrollment blocked"). The clean-up deletes that record (every managed device of
the Autopilot device: the linked one and any with its serial number) and, if asked, the Entra
device object. The Autopilot registration is never touched: without it the device would not
be an Autopilot device any more.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from harness.errors import HarnessError
from harness.intune.records import AutopilotRecord
from harness.intune.service import IntuneService


@dataclass
class CleanupReport:
    when: str
    deleted_managed_devices: list[str] = field(default_factory=list)
    already_gone: list[str] = field(default_factory=list)
    entra_device_deleted: bool | None = None
    """None: not asked for (or no Entra device id on the record)."""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def describe(self) -> str:
        if self.error:
            return f"clean-up {self.when} failed: {self.error}"
        deleted = ", ".join(self.deleted_managed_devices) or "none found"
        text = f"clean-up {self.when}: managed device(s) deleted: {deleted}"
        if self.entra_device_deleted is not None:
            state = "deleted" if self.entra_device_deleted else "already gone"
            text += f"; Entra device {state}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def clean_up(
    service: IntuneService, record: AutopilotRecord, *, when: str, delete_entra: bool
) -> CleanupReport:
    """Never raises for a Graph or connection problem: the report carries it (a failed
    clean-up is reported and does not change a verdict)."""
    report = CleanupReport(when)
    try:
        for device in service.managed_devices_of(record):
            if service.delete_managed_device(device.id):
                report.deleted_managed_devices.append(device.id)
            else:
                report.already_gone.append(device.id)
        if delete_entra and record.entra_device_id:
            report.entra_device_deleted = service.delete_entra_device(record.entra_device_id)
    except HarnessError as problem:
        report.error = str(problem)
    return report
