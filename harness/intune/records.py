"""What Intune holds about a device, read from Graph's JSON into plain records.

Property names as documented for ``windowsAutopilotDeviceIdentity`` (beta: the deployment
profile properties exist only there), ``managedDevice`` and the Entra ``device`` (v1.0).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

ASSIGNED_STATUSES = ("assignedInSync", "assignedOutOfSync", "assignedUnkownSyncState")
"""``deploymentProfileAssignmentStatus`` values meaning "a profile is assigned" (the enum's
own spelling, ``Unkown`` included)."""


@dataclass(frozen=True)
class AutopilotRecord:
    ztd_id: str
    serial_number: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    group_tag: str | None = None
    display_name: str | None = None
    user_principal_name: str | None = None
    addressable_user_name: str | None = None
    profile_assignment_status: str | None = None
    profile_assignment_detail: str | None = None
    assigned_profile: str | None = None
    intended_profile: str | None = None
    enrollment_state: str | None = None
    managed_device_id: str | None = None
    entra_device_id: str | None = None

    @classmethod
    def from_graph(cls, item: dict[str, Any]) -> AutopilotRecord:
        def profile_name(key: str) -> str | None:
            profile = item.get(key)
            return profile.get("displayName") if isinstance(profile, dict) else None

        return cls(
            ztd_id=str(item.get("id", "")),
            serial_number=item.get("serialNumber"),
            manufacturer=item.get("manufacturer"),
            model=item.get("model"),
            group_tag=item.get("groupTag") or None,
            display_name=item.get("displayName") or None,
            user_principal_name=item.get("userPrincipalName") or None,
            addressable_user_name=item.get("addressableUserName") or None,
            profile_assignment_status=item.get("deploymentProfileAssignmentStatus"),
            profile_assignment_detail=item.get("deploymentProfileAssignmentDetailedStatus"),
            assigned_profile=profile_name("deploymentProfile"),
            intended_profile=profile_name("intendedDeploymentProfile"),
            enrollment_state=item.get("enrollmentState"),
            # An empty GUID is Intune's "none" (a device that never enrolled).
            managed_device_id=_id_or_none(item.get("managedDeviceId")),
            entra_device_id=_id_or_none(item.get("azureActiveDirectoryDeviceId")),
        )

    @property
    def profile_assigned(self) -> bool:
        return self.profile_assignment_status in ASSIGNED_STATUSES and bool(self.assigned_profile)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ManagedDeviceRecord:
    id: str
    device_name: str | None = None
    serial_number: str | None = None
    enrolled_at: str | None = None
    last_sync_at: str | None = None
    compliance_state: str | None = None
    management_agent: str | None = None
    enrollment_type: str | None = None
    user_principal_name: str | None = None
    entra_device_id: str | None = None

    @classmethod
    def from_graph(cls, item: dict[str, Any]) -> ManagedDeviceRecord:
        return cls(
            id=str(item.get("id", "")),
            device_name=item.get("deviceName"),
            serial_number=item.get("serialNumber"),
            enrolled_at=item.get("enrolledDateTime"),
            last_sync_at=item.get("lastSyncDateTime"),
            compliance_state=item.get("complianceState"),
            management_agent=item.get("managementAgent"),
            enrollment_type=item.get("deviceEnrollmentType"),
            user_principal_name=item.get("userPrincipalName") or None,
            entra_device_id=_id_or_none(item.get("azureADDeviceId")),
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _id_or_none(value: object) -> str | None:
    text = str(value or "")
    return None if not text or set(text) <= {"0", "-"} else text
