"""One run's (or one command's) connection to Intune: sign-in, Graph client, the device's plan.

    session = open_session(app_settings, device_settings, source="lab.yaml")
    session.set_masker(bundle.register_secret)   # tokens masked from the first one on
    record = session.lookup(ztd_id)

Nothing is contacted until the first call. No global state: each run opens its own.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from harness.intune.auth import TokenSource
from harness.intune.cleanup import CleanupReport, clean_up
from harness.intune.credentials import read_credential
from harness.intune.graph import GraphClient
from harness.intune.records import AutopilotRecord, ManagedDeviceRecord
from harness.intune.service import IntuneService
from harness.intune.settings import IntuneAppSettings, IntuneDeviceSettings


@dataclass
class IntuneSession:
    service: IntuneService
    tokens: TokenSource
    device: IntuneDeviceSettings = field(default_factory=IntuneDeviceSettings)
    from_intune: bool = False
    refresh_attempts: int = 10
    secrets: tuple[str, ...] = ()
    record: AutopilotRecord | None = None
    """The Autopilot record looked up at the configuration screen."""
    report: dict[str, Any] = field(default_factory=dict)
    """What the run learnt from Intune (written to the bundle's ``intune.json``)."""

    def set_masker(self, register: Callable[[str], None]) -> None:
        for secret in self.secrets:
            register(secret)
        self.tokens.set_on_token(register)

    def set_sleep(self, sleep: Callable[[float], None]) -> None:
        self.service.graph.set_sleep(sleep)

    # -- what the flow asks --------------------------------------------------------------

    def lookup(self, ztd_id: str) -> AutopilotRecord | None:
        record = self.service.autopilot_record(ztd_id)
        self.record = record
        self.report["autopilot"] = record.to_dict() if record else None
        return record

    def organization(self) -> str | None:
        name = self.service.organization_name()
        self.report["organization"] = name
        return name

    def apply_actions(self, record: AutopilotRecord) -> dict[str, str]:
        """Apply the device's companion actions; return what the screen must show after
        Refresh (``user``) and the changes made (for the record)."""
        plan = self.device
        changes: dict[str, str] = {}
        if plan.assign_user:
            self.service.assign_user(record.ztd_id, plan.assign_user, plan.addressable_user_name)
            changes["user"] = plan.assign_user
        if plan.group_tag is not None or plan.display_name is not None:
            self.service.update_properties(
                record.ztd_id, group_tag=plan.group_tag, display_name=plan.display_name
            )
            if plan.group_tag is not None:
                changes["group_tag"] = plan.group_tag
            if plan.display_name is not None:
                changes["display_name"] = plan.display_name
        self.report["actions"] = changes
        return changes

    def clean_up(self, record: AutopilotRecord, when: str) -> CleanupReport:
        report = clean_up(
            self.service, record, when=when, delete_entra=self.device.delete_entra_device
        )
        self.report.setdefault("cleanup", []).append(report.to_dict())
        return report

    def enrollment(self, record: AutopilotRecord) -> ManagedDeviceRecord | None:
        """The managed device the run created: the record's link, read again (it is set at
        enrolment), else the newest one with the serial number."""
        fresh = self.service.autopilot_record(record.ztd_id) or record
        devices = self.service.managed_devices_of(fresh)
        devices.sort(key=lambda device: device.enrolled_at or "", reverse=True)
        found = devices[0] if devices else None
        self.report["enrollment"] = found.to_dict() if found else None
        return found


def open_session(
    app: IntuneAppSettings,
    device: IntuneDeviceSettings | None = None,
    *,
    source: str = "lab file",
    from_intune: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    log: logging.Logger | None = None,
) -> IntuneSession:
    credential = read_credential(app, source=source)
    http = requests.Session()
    http.trust_env = False  # no proxy or .netrc credentials from the environment
    if app.ca_file:
        http.verify = app.ca_file
    tokens = TokenSource(app, credential, http)
    graph = GraphClient(
        app.graph_url,
        tokens,
        http,
        timeout_s=app.timeout_s,
        max_retries=app.max_retries,
        max_retry_after_s=app.max_retry_after_s,
        sleep=sleep,
        log=log,
    )
    return IntuneSession(
        IntuneService(graph),
        tokens,
        device or IntuneDeviceSettings(),
        from_intune=from_intune,
        refresh_attempts=app.refresh_attempts,
        secrets=credential.secrets,
    )
