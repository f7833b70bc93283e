"""Redfish authentication: a session (DSP0266 "Redfish session login authentication") or basic.

Sessions, as the specification has them: ``POST`` the sessions collection (the service root's
``Links.Sessions``, normally ``/redfish/v1/SessionService/Sessions``) with ``{"UserName",
"Password"}``; the answer (201) carries the token in ``X-Auth-Token`` and the session's URI in
``Location``; every later request sends ``X-Auth-Token``; ``DELETE`` of the session's URI logs
out. Many BMCs limit the number of open sessions (and some disable basic auth), so the session
is deleted on ``close()``, and a token the BMC expired (401) is replaced once by a new login.

``auth: auto`` (the default) reads the service root, which the specification leaves open to
unauthenticated clients: a root that links a sessions collection gets a session, one that does
not (sushy-tools, older firmware) gets basic auth. ``auth: session`` / ``auth: basic`` force it.
The password goes only into the login body or the basic header; never into a message.
"""

from __future__ import annotations

import base64
import logging
from typing import Any
from urllib.parse import urlsplit

from harness.errors import PowerControlError
from harness.targets.http_client import HttpClient, HttpResponse
from harness.targets.rig_settings import Secret

_log = logging.getLogger(__name__)

AUTH_MODES = ("auto", "session", "basic")
SERVICE_ROOT = "/redfish/v1/"
DEFAULT_SESSIONS = "/redfish/v1/SessionService/Sessions"


def redfish_error(response: HttpResponse) -> str:
    try:
        error = (response.json() or {}).get("error", {})
        extended = error.get("@Message.ExtendedInfo") or [{}]
        detail = extended[0].get("Message") or error.get("message") or ""
    except (ValueError, AttributeError, TypeError, IndexError):
        detail = response.body[:200].decode("utf-8", "replace")
    if response.status == 401:
        detail = f"authentication refused (check user and password) {detail}".strip()
    return f"HTTP {response.status} {detail}".strip()


class RedfishConnection:
    """Authenticated requests to one BMC; ``close()`` logs a session out."""

    def __init__(self, client: HttpClient, *, user: str, password: Secret, mode: str) -> None:
        self.client = client
        self.user = user
        self._password = password
        self.mode = mode
        self.label = f"Redfish {client.label}"
        self.sessions_path: str | None = None
        self.session_uri: str | None = None
        self._token: str | None = None
        self._resolved = mode != "auto"
        self.logins = 0

    def request(self, method: str, path: str, *, json_body: Any = None) -> HttpResponse:
        self._resolve()
        if self.mode == "session" and self._token is None:
            self._login()
        response = self.client.request(method, path, json_body=json_body, headers=self._auth())
        if response.status == 401 and self.mode == "session":
            _log.info("%s: session no longer valid (401); logging in again", self.label)
            self._token = None
            self._login()
            response = self.client.request(method, path, json_body=json_body, headers=self._auth())
        return response

    def close(self) -> None:
        if self._token is not None and self.session_uri is not None:
            try:
                response = self.client.request("DELETE", self.session_uri, headers=self._auth())
                if response.status not in (200, 202, 204, 401, 404):
                    _log.warning("%s: logout: %s", self.label, redfish_error(response))
            except Exception as problem:  # logout is best effort at the end
                _log.warning("%s: logout failed: %s", self.label, problem)
        self._token = None
        self.session_uri = None
        self.client.close()

    # -- internals ----------------------------------------------------------------------------

    def _auth(self) -> dict[str, str]:
        if self.mode == "basic":
            raw = f"{self.user}:{self._password.reveal()}".encode()
            return {"Authorization": "Basic " + base64.b64encode(raw).decode("ascii")}
        return {"X-Auth-Token": self._token or ""}

    def _resolve(self) -> None:
        if self._resolved:
            return
        self._resolved = True
        root = self.client.request("GET", SERVICE_ROOT)
        sessions = None
        if root.status == 200:
            try:
                sessions = (root.json() or {}).get("Links", {}).get("Sessions", {}).get("@odata.id")
            except (ValueError, AttributeError):
                sessions = None
        if sessions:
            self.mode = "session"
            self.sessions_path = str(sessions)
        else:
            self.mode = "basic"
        _log.info("%s: %s authentication", self.label, self.mode)

    def _login(self) -> None:
        path = self.sessions_path or DEFAULT_SESSIONS
        body = {"UserName": self.user, "Password": self._password.reveal()}
        response = self.client.request("POST", path, json_body=body)
        if response.status in (404, 405, 501):
            raise PowerControlError(
                f"{self.label}: no Redfish session service at {path} "
                f"({redfish_error(response)}): set auth: basic"
            )
        token = response.headers.get("X-Auth-Token")
        if response.status not in (200, 201) or not token:
            raise PowerControlError(f"{self.label}: session login: {redfish_error(response)}")
        self._token = token
        location = response.headers.get("Location") or _odata_id(response)
        self.session_uri = urlsplit(location).path if location else None
        self.logins += 1
        _log.info("%s: session opened (%s)", self.label, self.session_uri or "no URI")


def _odata_id(response: HttpResponse) -> str | None:
    try:
        value = (response.json() or {}).get("@odata.id")
    except (ValueError, AttributeError):
        return None
    return str(value) if value else None
