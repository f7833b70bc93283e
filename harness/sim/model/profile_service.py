"""Where the simulated device gets what its configuration screen shows, when not from its
scenario: the Autopilot deployment service of a (test) tenant.

A real device downloads its Autopilot profile from Microsoft's deployment service by its ZtdId
when the configuration screen opens and again on Refresh, and enrols at Provision. That protocol
is not public; the Graph test peer offers a stand-in (``/autopilot-service/devices/{ZtdId}/...``)
that answers from the same records Graph shows, so a change made through Graph shows on the
simulated screen after Refresh, as on a real one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import requests


class ProfileService(Protocol):
    def configuration(self) -> Mapping[str, str | None] | None:
        """``profile``, ``organization``, ``user`` now (None: the service cannot be reached;
        the device keeps what it showed)."""
        ...

    def enroll(self) -> str | None:
        """Enrol at Provision: None, or the error code the enrolment was refused with."""
        ...


class HttpProfileService:
    def __init__(self, url: str, ztd_id: str, *, ca_file: str | None = None) -> None:
        self._base = f"{url.rstrip('/')}/devices/{ztd_id}"
        self._session = requests.Session()
        self._session.trust_env = False
        if ca_file:
            self._session.verify = ca_file

    def configuration(self) -> Mapping[str, str | None] | None:
        try:
            response = self._session.get(f"{self._base}/configuration", timeout=10)
            response.raise_for_status()
            data = response.json()
        except (requests.RequestException, ValueError):
            return None
        return {key: data.get(key) for key in ("profile", "organization", "user")}

    def enroll(self) -> str | None:
        try:
            response = self._session.post(f"{self._base}/enroll", timeout=10)
            response.raise_for_status()
            code = response.json().get("error_code")
        except (requests.RequestException, ValueError, AttributeError):
            return None
        return str(code) if code else None
