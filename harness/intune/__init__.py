"""Intune through Microsoft Graph: look a device up by the ZtdId of its QR code, compare its
Autopilot record with the screen and the expectation, apply companion-app actions (assign a
user, a group tag, a name) and clean up so that the same hardware can be pre-provisioned again.

Optional: nothing here is imported by a run without Intune, and msal (the ``intune`` extra) is
imported only when a token is needed. docs/intune.md has the permissions and the lab-file keys.
"""

from harness.intune.cleanup import CleanupReport
from harness.intune.graph import GraphClient, GraphError, GraphNotFound
from harness.intune.records import AutopilotRecord, ManagedDeviceRecord
from harness.intune.service import IntuneService
from harness.intune.session import IntuneSession, open_session
from harness.intune.settings import IntuneAppSettings, IntuneDeviceSettings

__all__ = [
    "AutopilotRecord",
    "CleanupReport",
    "GraphClient",
    "GraphError",
    "GraphNotFound",
    "IntuneAppSettings",
    "IntuneDeviceSettings",
    "IntuneService",
    "IntuneSession",
    "ManagedDeviceRecord",
    "open_session",
]
