"""The Graph requests the loopback peer answers: path patterns, permissions and bodies.

Each route names the application permissions that allow it (any one of them, least privileged
first), as the Graph reference lists them; a token without one gets Intune's 403 wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.sim.peers.graph_peer_state import GraphPeerState

AUTOPILOT_READ = (
    "DeviceManagementServiceConfig.Read.All",
    "DeviceManagementServiceConfig.ReadWrite.All",
)
AUTOPILOT_WRITE = ("DeviceManagementServiceConfig.ReadWrite.All",)
MANAGED_READ = (
    "DeviceManagementManagedDevices.Read.All",
    "DeviceManagementManagedDevices.ReadWrite.All",
)
MANAGED_WRITE = ("DeviceManagementManagedDevices.ReadWrite.All",)
ORGANIZATION_READ = ("Organization.Read.All", "Directory.Read.All")
ENTRA_DEVICE_WRITE = ("Device.ReadWrite.All",)
BETA_ONLY_AUTOPILOT = (
    "deploymentProfileAssignmentStatus",
    "deploymentProfileAssignmentDetailedStatus",
    "deploymentProfileAssignedDateTime",
    "azureAdDeviceId",
    "deviceAccountUpn",
    "deviceAccountPassword",
    "deviceFriendlyName",
    "remediationState",
    "remediationStateLastModifiedDateTime",
)
EXPANDABLE = ("deploymentProfile", "intendedDeploymentProfile")


class GraphAnswer(Exception):
    """An error answer: status, Graph error code, message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Request:
    version: str
    method: str
    path: str
    query: dict[str, str]
    body: dict[str, Any]
    base_url: str


Handler = Callable[[GraphPeerState, Request, re.Match[str]], tuple[int, Any]]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    permissions: tuple[str, ...]
    handler: Handler


def _autopilot_item(state: GraphPeerState, request: Request, ztd_id: str) -> dict[str, Any]:
    record = dict(state.autopilot[ztd_id])
    if request.version == "v1.0":
        for name in BETA_ONLY_AUTOPILOT:
            record.pop(name, None)
    expand = [part.strip() for part in request.query.get("$expand", "").split(",") if part.strip()]
    for name in expand:
        if request.version == "v1.0" or name not in EXPANDABLE:
            raise GraphAnswer(
                400,
                "BadRequest",
                f"Could not find a property named '{name}' on type "
                "'microsoft.graph.windowsAutopilotDeviceIdentity'.",
            )
        # Both relationships point at the assigned profile here (intended == assigned: in sync).
        record[name] = state.profiles.get(state.assigned_profile.get(ztd_id, ""))
    return record


def get_autopilot(state: GraphPeerState, request: Request, match: re.Match[str]) -> tuple[int, Any]:
    ztd_id = match["id"]
    if ztd_id not in state.autopilot:
        raise GraphAnswer(
            404,
            "ResourceNotFound",
            f"Resource not found: windowsAutopilotDeviceIdentities('{ztd_id}')",
        )
    return 200, _autopilot_item(state, request, ztd_id)


def list_autopilot(
    state: GraphPeerState, request: Request, match: re.Match[str]
) -> tuple[int, Any]:
    wanted = _filter_value(
        request.query.get("$filter"), r"contains\(serialNumber,'(?P<v>(?:[^']|'')*)'\)"
    )
    items = [
        _autopilot_item(state, Request(request.version, "GET", "", {}, {}, ""), ztd_id)
        for ztd_id, record in state.autopilot.items()
        if wanted is None or wanted in record["serialNumber"]
    ]
    return 200, page_of(state, request, items)


def assign_user(state: GraphPeerState, request: Request, match: re.Match[str]) -> tuple[int, Any]:
    record = _existing(state, match["id"])
    upn = request.body.get("userPrincipalName")
    if not upn:
        raise GraphAnswer(400, "BadRequest", "userPrincipalName is required")
    record["userPrincipalName"] = upn
    record["addressableUserName"] = request.body.get("addressableUserName", "")
    return 204, None


def update_properties(
    state: GraphPeerState, request: Request, match: re.Match[str]
) -> tuple[int, Any]:
    record = _existing(state, match["id"])
    for key in ("userPrincipalName", "addressableUserName", "groupTag", "displayName"):
        if key in request.body:
            record[key] = request.body[key]
    return 204, None


def get_organization(
    state: GraphPeerState, request: Request, match: re.Match[str]
) -> tuple[int, Any]:
    item = {"id": state.tenant_id, "displayName": state.organization, "verifiedDomains": []}
    return 200, page_of(state, request, [item])


def get_managed(state: GraphPeerState, request: Request, match: re.Match[str]) -> tuple[int, Any]:
    device = state.managed.get(match["id"])
    if device is None:
        raise GraphAnswer(404, "ResourceNotFound", f"managedDevices('{match['id']}') not found")
    return 200, device


def list_managed(state: GraphPeerState, request: Request, match: re.Match[str]) -> tuple[int, Any]:
    wanted = _filter_value(request.query.get("$filter"), r"serialNumber eq '(?P<v>(?:[^']|'')*)'")
    items = [d for d in state.managed.values() if wanted is None or d["serialNumber"] == wanted]
    return 200, page_of(state, request, items)


def delete_managed(
    state: GraphPeerState, request: Request, match: re.Match[str]
) -> tuple[int, Any]:
    device = state.managed.pop(match["id"], None)
    if device is None:
        raise GraphAnswer(404, "ResourceNotFound", f"managedDevices('{match['id']}') not found")
    for record in state.autopilot.values():
        if record["managedDeviceId"] == match["id"]:
            record["managedDeviceId"] = "00000000-0000-0000-0000-000000000000"
    return 204, None


def delete_entra(state: GraphPeerState, request: Request, match: re.Match[str]) -> tuple[int, Any]:
    if state.entra.pop(match["id"], None) is None:
        raise GraphAnswer(
            404, "Request_ResourceNotFound", f"Resource '{match['id']}' does not exist"
        )
    return 204, None


ROUTES = (
    Route(
        "GET",
        re.compile(r"^deviceManagement/windowsAutopilotDeviceIdentities/(?P<id>[^/]+)$"),
        AUTOPILOT_READ,
        get_autopilot,
    ),
    Route(
        "GET",
        re.compile(r"^deviceManagement/windowsAutopilotDeviceIdentities$"),
        AUTOPILOT_READ,
        list_autopilot,
    ),
    Route(
        "POST",
        re.compile(
            r"^deviceManagement/windowsAutopilotDeviceIdentities/(?P<id>[^/]+)/assignUserToDevice$",
            re.IGNORECASE,
        ),
        AUTOPILOT_WRITE,
        assign_user,
    ),
    Route(
        "POST",
        re.compile(
            r"^deviceManagement/windowsAutopilotDeviceIdentities/(?P<id>[^/]+)/updateDeviceProperties$",
            re.IGNORECASE,
        ),
        AUTOPILOT_WRITE,
        update_properties,
    ),
    Route("GET", re.compile(r"^organization$"), ORGANIZATION_READ, get_organization),
    Route(
        "GET",
        re.compile(r"^deviceManagement/managedDevices/(?P<id>[^/]+)$"),
        MANAGED_READ,
        get_managed,
    ),
    Route("GET", re.compile(r"^deviceManagement/managedDevices$"), MANAGED_READ, list_managed),
    Route(
        "DELETE",
        re.compile(r"^deviceManagement/managedDevices/(?P<id>[^/]+)$"),
        MANAGED_WRITE,
        delete_managed,
    ),
    Route(
        "DELETE",
        re.compile(r"^devices\(deviceId='(?P<id>[^']+)'\)$"),
        ENTRA_DEVICE_WRITE,
        delete_entra,
    ),
)


def page_of(state: GraphPeerState, request: Request, items: list[dict[str, Any]]) -> dict[str, Any]:
    """An OData collection page; a next link (with $skiptoken) while items remain."""
    start = int(request.query.get("$skiptoken", "0") or 0)
    size = min(state.page_size, int(request.query.get("$top", state.page_size)))
    page: dict[str, Any] = {
        "@odata.context": f"{request.base_url}/{request.version}/$metadata#{request.path}",
        "value": items[start : start + size],
    }
    if start + size < len(items):
        from urllib.parse import urlencode

        query = {k: v for k, v in request.query.items() if k != "$skiptoken"}
        query["$skiptoken"] = str(start + size)
        page["@odata.nextLink"] = (
            f"{request.base_url}/{request.version}/{request.path}?{urlencode(query)}"
        )
    return page


def _existing(state: GraphPeerState, ztd_id: str) -> dict[str, Any]:
    record = state.autopilot.get(ztd_id)
    if record is None:
        raise GraphAnswer(
            404, "ResourceNotFound", f"windowsAutopilotDeviceIdentities('{ztd_id}') not found"
        )
    return record


def _filter_value(text: str | None, pattern: str) -> str | None:
    if text is None:
        return None
    match = re.fullmatch(pattern, text.strip())
    if match is None:
        raise GraphAnswer(400, "BadRequest", f"Invalid filter clause: {text}")
    return match["v"].replace("''", "'")
