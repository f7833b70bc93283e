"""The Graph calls the harness makes, each with its documented path, version and permission.

- Autopilot record by ZtdId: ``GET deviceManagement/windowsAutopilotDeviceIdentities/{id}
  ?$expand=deploymentProfile,intendedDeploymentProfile``, beta (the profile relationships and
  ``deploymentProfileAssignmentStatus`` exist in beta only), DeviceManagementServiceConfig.Read.All.
- Autopilot records by serial: the collection with ``$filter=contains(serialNumber,'SN')``, beta
  (as the companion app does), DeviceManagementServiceConfig.Read.All.
- Assign a user: ``POST .../{id}/assignUserToDevice`` {userPrincipalName, addressableUserName};
  group tag and name: ``POST .../{id}/updateDeviceProperties`` {groupTag, displayName}; v1.0,
  DeviceManagementServiceConfig.ReadWrite.All.
- Organization name: ``GET organization``, v1.0, Organization.Read.All.
- Managed device: ``GET deviceManagement/managedDevices/{id}`` or the collection with
  ``$filter=serialNumber eq 'SN'``, v1.0, DeviceManagementManagedDevices.Read.All; delete:
  ``DELETE deviceManagement/managedDevices/{id}``, DeviceManagementManagedDevices.ReadWrite.All.
- Entra device: ``DELETE devices(deviceId='{deviceId}')``, v1.0, Device.ReadWrite.All.

docs/intune.md says where each was checked. The Autopilot registration itself is never deleted:
there is no call for it here.
"""

from __future__ import annotations

from harness.intune.graph import GraphClient, GraphNotFound
from harness.intune.records import AutopilotRecord, ManagedDeviceRecord

AUTOPILOT = "deviceManagement/windowsAutopilotDeviceIdentities"
MANAGED = "deviceManagement/managedDevices"
PROFILE_EXPAND = "deploymentProfile,intendedDeploymentProfile"


def _quoted(text: str) -> str:
    """An OData string literal's inside: a quote is doubled."""
    return text.replace("'", "''")


class IntuneService:
    def __init__(self, graph: GraphClient) -> None:
        self.graph = graph

    # -- Autopilot ---------------------------------------------------------------------

    def autopilot_record(self, ztd_id: str) -> AutopilotRecord | None:
        """The record of that ZtdId, its profiles expanded; None when Autopilot has none."""
        try:
            item = self.graph.get(
                "beta", f"{AUTOPILOT}/{ztd_id}", params={"$expand": PROFILE_EXPAND}
            )
        except GraphNotFound:
            return None
        return AutopilotRecord.from_graph(item or {})

    def autopilot_records_by_serial(self, serial: str) -> list[AutopilotRecord]:
        """Records whose serial number contains ``serial`` (Graph filters with contains()),
        then the exact matches first, each read again with its profiles expanded."""
        found = self.graph.get_all(
            "beta", AUTOPILOT, params={"$filter": f"contains(serialNumber,'{_quoted(serial)}')"}
        )
        ids = [str(item.get("id")) for item in found]
        records = [record for record in map(self.autopilot_record, ids) if record is not None]
        return sorted(records, key=lambda record: record.serial_number != serial)

    def assign_user(self, ztd_id: str, upn: str, addressable_name: str | None = None) -> None:
        body = {"userPrincipalName": upn, "addressableUserName": addressable_name or upn}
        self.graph.post("v1.0", f"{AUTOPILOT}/{ztd_id}/assignUserToDevice", body)

    def update_properties(
        self, ztd_id: str, *, group_tag: str | None = None, display_name: str | None = None
    ) -> None:
        body = {
            key: value
            for key, value in (("groupTag", group_tag), ("displayName", display_name))
            if value is not None
        }
        if body:
            self.graph.post("v1.0", f"{AUTOPILOT}/{ztd_id}/updateDeviceProperties", body)

    # -- the tenant ----------------------------------------------------------------------

    def organization_name(self) -> str | None:
        organizations = list(self.graph.get_all("v1.0", "organization"))
        return organizations[0].get("displayName") if organizations else None

    # -- managed devices and Entra -----------------------------------------------------

    def managed_device(self, managed_id: str) -> ManagedDeviceRecord | None:
        try:
            item = self.graph.get("v1.0", f"{MANAGED}/{managed_id}")
        except GraphNotFound:
            return None
        return ManagedDeviceRecord.from_graph(item or {})

    def managed_devices_by_serial(self, serial: str) -> list[ManagedDeviceRecord]:
        items = self.graph.get_all(
            "v1.0", MANAGED, params={"$filter": f"serialNumber eq '{_quoted(serial)}'"}
        )
        return [ManagedDeviceRecord.from_graph(item) for item in items]

    def managed_devices_of(self, record: AutopilotRecord) -> list[ManagedDeviceRecord]:
        """The managed device(s) of an Autopilot device: the one its record links, and any
        other with its serial number (an old enrolment the record no longer points at)."""
        found: dict[str, ManagedDeviceRecord] = {}
        if record.managed_device_id:
            linked = self.managed_device(record.managed_device_id)
            if linked is not None:
                found[linked.id] = linked
        if record.serial_number:
            for device in self.managed_devices_by_serial(record.serial_number):
                found.setdefault(device.id, device)
        return list(found.values())

    def delete_managed_device(self, managed_id: str) -> bool:
        """False when it was already gone."""
        try:
            self.graph.delete("v1.0", f"{MANAGED}/{managed_id}")
        except GraphNotFound:
            return False
        return True

    def delete_entra_device(self, device_id: str) -> bool:
        """By the Entra ``deviceId`` (the Autopilot record's azureActiveDirectoryDeviceId)."""
        try:
            self.graph.delete("v1.0", f"devices(deviceId='{_quoted(device_id)}')")
        except GraphNotFound:
            return False
        return True
