"""The simulated device's client of the Graph test peer's Autopilot deployment-service stand-in
(``harness.sim.model.profile_service.ProfileService`` over HTTP; outside the model, which must
import only the standard library)."""

from __future__ import annotations

from collections.abc import Mapping

import requests


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
