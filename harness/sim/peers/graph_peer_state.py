"""What the loopback Graph peer holds: a tenant's Autopilot records, managed devices, Entra
devices, its app registrations and their granted permissions, issued tokens and faults.

Shapes follow Microsoft's documentation (windowsAutopilotDeviceIdentity in beta with its
deploymentProfile / intendedDeploymentProfile relationships, managedDevice and device in v1.0,
the OData error envelope), not our client. Thread-safe: the server answers from threads.

The device-facing side (``device_configuration``, ``enroll``) stands in for the Autopilot
deployment service a real device talks to (its protocol is not public): what the configuration
screen shows comes from the records here, and an enrolment with a managed device of the same
hardware still present is refused with 0x80180014, as Windows reports it.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

REENROLLMENT_BLOCKED = "0x80180014"


@dataclass
class PeerApp:
    client_id: str
    roles: set[str]
    client_secret: str | None = None
    certificate_pem: bytes | None = None


@dataclass
class IssuedToken:
    client_id: str
    roles: frozenset[str]
    valid: bool = True


@dataclass
class Faults:
    throttle_count: int = 0
    throttle_status: int = 429
    retry_after_s: int = 2
    reject_all_tokens: bool = False
    """Every token is refused (401), also fresh ones: a revoked consent."""


@dataclass
class GraphPeerState:
    tenant_id: str = "8a1c0d6e-2f4b-4c7a-9e31-5b6d7f8a9c0e"
    organization: str = "Contoso"
    page_size: int = 2
    apps: dict[str, PeerApp] = field(default_factory=dict)
    autopilot: dict[str, dict[str, Any]] = field(default_factory=dict)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    assigned_profile: dict[str, str] = field(default_factory=dict)
    """ZtdId -> profile id (the assignment; its status is on the record)."""
    managed: dict[str, dict[str, Any]] = field(default_factory=dict)
    entra: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Entra devices by their ``deviceId``."""
    tokens: dict[str, IssuedToken] = field(default_factory=dict)
    faults: Faults = field(default_factory=Faults)
    requests: list[tuple[str, str]] = field(default_factory=list)
    """(method, path) of every Graph request, oldest first."""
    token_requests: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)

    # -- set-up (tests) -------------------------------------------------------------------

    def add_app(self, client_id: str, roles: set[str], **credential: Any) -> None:
        with self.lock:
            self.apps[client_id] = PeerApp(client_id, set(roles), **credential)

    def add_profile(self, name: str) -> str:
        profile_id = str(uuid.uuid4())
        with self.lock:
            self.profiles[profile_id] = {
                "@odata.type": "#microsoft.graph.azureADWindowsAutopilotDeploymentProfile",
                "id": profile_id,
                "displayName": name,
                "description": "",
            }
        return profile_id

    def add_autopilot_device(
        self,
        ztd_id: str,
        serial: str,
        *,
        profile_id: str | None = None,
        model: str = "Contoso Book 14",
        user: str = "",
        group_tag: str = "",
    ) -> None:
        with self.lock:
            self.autopilot[ztd_id] = {
                "@odata.type": "#microsoft.graph.windowsAutopilotDeviceIdentity",
                "id": ztd_id,
                "deploymentProfileAssignmentStatus": "assignedInSync"
                if profile_id
                else "notAssigned",
                "deploymentProfileAssignmentDetailedStatus": "none",
                "deploymentProfileAssignedDateTime": "2026-01-05T10:00:00Z",
                "groupTag": group_tag,
                "purchaseOrderIdentifier": "",
                "serialNumber": serial,
                "productKey": "",
                "manufacturer": "Contoso",
                "model": model,
                "enrollmentState": "notContacted",
                "lastContactedDateTime": "0001-01-01T00:00:00Z",
                "addressableUserName": user,
                "userPrincipalName": user,
                "resourceName": "",
                "skuNumber": "",
                "systemFamily": "",
                "azureActiveDirectoryDeviceId": str(uuid.uuid4()),
                "azureAdDeviceId": "",
                "managedDeviceId": "00000000-0000-0000-0000-000000000000",
                "displayName": "",
                "deviceAccountUpn": "",
                "deviceAccountPassword": "",
                "deviceFriendlyName": "",
                "remediationState": "unknown",
                "remediationStateLastModifiedDateTime": "0001-01-01T00:00:00Z",
            }
            if profile_id:
                self.assigned_profile[ztd_id] = profile_id
            entra_id = self.autopilot[ztd_id]["azureActiveDirectoryDeviceId"]
            self.entra[entra_id] = {
                "id": str(uuid.uuid4()),
                "deviceId": entra_id,
                "displayName": serial,
                "operatingSystem": "Windows",
            }

    def add_managed_device(self, ztd_id: str, enrolled_at: str = "2026-01-01T08:00:00Z") -> str:
        """A managed device of that Autopilot device (the one a previous run left behind)."""
        with self.lock:
            record = self.autopilot[ztd_id]
            managed_id = str(uuid.uuid4())
            self.managed[managed_id] = {
                "id": managed_id,
                "userPrincipalName": record["userPrincipalName"],
                "deviceName": record["displayName"] or f"DESKTOP-{managed_id[:7].upper()}",
                "managedDeviceOwnerType": "company",
                "enrolledDateTime": enrolled_at,
                "lastSyncDateTime": enrolled_at,
                "operatingSystem": "Windows",
                "complianceState": "compliant",
                "managementAgent": "mdm",
                "deviceEnrollmentType": "windowsAzureADJoin",
                "serialNumber": record["serialNumber"],
                "model": record["model"],
                "manufacturer": record["manufacturer"],
                "azureADDeviceId": record["azureActiveDirectoryDeviceId"],
            }
            record["managedDeviceId"] = managed_id
            record["enrollmentState"] = "enrolled"
            return managed_id

    # -- tokens ----------------------------------------------------------------------------

    def issue_token(self, client_id: str) -> str:
        token = "peer-" + secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[token] = IssuedToken(client_id, frozenset(self.apps[client_id].roles))
        return token

    def expire_tokens(self) -> None:
        with self.lock:
            for issued in self.tokens.values():
                issued.valid = False

    def token_roles(self, token: str) -> frozenset[str] | None:
        with self.lock:
            issued = self.tokens.get(token)
            if issued is None or not issued.valid or self.faults.reject_all_tokens:
                return None
            return issued.roles

    # -- what a device sees ------------------------------------------------------------------

    def device_configuration(self, ztd_id: str) -> dict[str, str | None]:
        """What the configuration screen of that device shows now."""
        with self.lock:
            record = self.autopilot.get(ztd_id)
            if record is None:
                return {"profile": None, "organization": None, "user": None}
            profile = self.profiles.get(self.assigned_profile.get(ztd_id, ""))
            return {
                "profile": profile["displayName"] if profile else None,
                "organization": self.organization,
                "user": record["userPrincipalName"] or None,
            }

    def enroll(self, ztd_id: str) -> str | None:
        """The device enrols (Provision): a new managed device, or the refusal code."""
        with self.lock:
            record = self.autopilot.get(ztd_id)
            if record is None:
                return None  # not an Autopilot device: nothing to enrol into here
            serial = record["serialNumber"]
            if any(device["serialNumber"] == serial for device in self.managed.values()):
                return REENROLLMENT_BLOCKED
            self.add_managed_device(ztd_id, enrolled_at="2026-02-01T09:30:00Z")
            return None
