"""A small Redfish service with a SessionService, written from DMTF's DSP0266, before a device.

sushy-tools (the real emulator the ``redfish`` backend is tested against for basic auth) has no
SessionService and inlines its ResetType list; many BMCs do neither. This peer does what
DSP0266 says for those two parts, and nothing more:

- ``GET /redfish/v1/`` needs no authentication and links ``Links.Sessions``.
- ``POST /redfish/v1/SessionService/Sessions`` ``{"UserName", "Password"}`` -> 201,
  ``X-Auth-Token`` and ``Location``; a wrong password is 401; beyond ``max_sessions`` open
  sessions the answer is 503 ``SessionLimitExceeded``.
- Every other resource needs a valid ``X-Auth-Token`` (401 ``NoValidSession`` otherwise);
  basic auth is refused (``basic_auth=False``), as on BMCs that disable it.
- ``DELETE`` of a session's URI with its token closes it (204).
- The system's ``#ComputerSystem.Reset`` has no inline allowable values, only
  ``@Redfish.ActionInfo`` -> ``/redfish/v1/Systems/1/ResetActionInfo`` whose ``ResetType``
  parameter lists them; a ResetType outside the list is 400 ``ActionParameterNotSupported``.

``session_service=False`` is a BMC with basic auth only: no ``Links.Sessions`` in the root,
405 for a login. ``expire_sessions()`` ends every session, as a BMC's session timeout does.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from harness.targets.protocols import GracefulPower, Power, PowerState

SESSIONS = "/redfish/v1/SessionService/Sessions"
SYSTEM = "/redfish/v1/Systems/1"
RESET_TARGET = f"{SYSTEM}/Actions/ComputerSystem.Reset"
ACTION_INFO = f"{SYSTEM}/ResetActionInfo"


class RedfishSessionPeer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        power: Power,
        *,
        user: str,
        password: str,
        allowed: tuple[str, ...] = ("On", "ForceOff", "GracefulShutdown", "ForceRestart"),
        max_sessions: int = 2,
        basic_auth: bool = False,
        session_service: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__((host, port), _Handler)
        self.power = power
        self.user = user
        self.password = password
        self.allowed = allowed
        self.max_sessions = max_sessions
        self.basic_auth = basic_auth
        self.session_service = session_service
        self.sessions: dict[str, str] = {}  # token -> session URI
        self.closed_sessions: list[str] = []
        self.posted: list[str] = []
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def expire_sessions(self) -> None:
        with self.lock:
            self.sessions.clear()

    def start(self) -> RedfishSessionPeer:
        self._thread = threading.Thread(
            target=self.serve_forever, args=(0.05,), name="redfish-sessions", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def _error(message_id: str, message: str) -> dict[str, Any]:
    return {
        "error": {
            "code": f"Base.1.8.{message_id}",
            "message": message,
            "@Message.ExtendedInfo": [{"MessageId": f"Base.1.8.{message_id}", "Message": message}],
        }
    }


class _Handler(BaseHTTPRequestHandler):
    server: RedfishSessionPeer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}") if length else {}
        path = self.path.rstrip("/") or "/"
        with self.server.lock:
            headers = {name: self.headers[name] for name in ("X-Auth-Token", "Authorization")}
            self.server.requests.append((method, path, {k: v for k, v in headers.items() if v}))
        if method == "GET" and path == "/redfish/v1":
            self._json(200, self._root())
        elif method == "POST" and path == SESSIONS and self.server.session_service:
            self._login(body)
        elif method == "POST" and path == SESSIONS:
            self._json(405, _error("OperationNotAllowed", "The operation is not allowed."))
        elif not self._authorized():
            self._json(401, _error("NoValidSession", "There is no valid session established."))
        elif method == "DELETE" and path.startswith(SESSIONS + "/"):
            self._logout(path)
        elif method == "GET" and path == "/redfish/v1/Systems":
            self._json(200, {"Members": [{"@odata.id": SYSTEM}], "Members@odata.count": 1})
        elif method == "GET" and path == SYSTEM:
            self._json(200, self._system())
        elif method == "GET" and path == ACTION_INFO:
            self._json(200, self._action_info())
        elif method == "POST" and path == RESET_TARGET:
            self._reset(str(body.get("ResetType")))
        else:
            self._json(404, _error("ResourceMissingAtURI", f"{path} not found"))

    # -- sessions ------------------------------------------------------------------------------

    def _authorized(self) -> bool:
        token = self.headers.get("X-Auth-Token")
        with self.server.lock:
            if token and token in self.server.sessions:
                return True
        basic = self.headers.get("Authorization", "")
        if not (self.server.basic_auth and basic.startswith("Basic ")):
            return False
        expected = f"{self.server.user}:{self.server.password}".encode()
        return base64.b64decode(basic[6:]) == expected

    def _login(self, body: dict[str, Any]) -> None:
        server = self.server
        if body.get("UserName") != server.user or body.get("Password") != server.password:
            self._json(401, _error("InsufficientPrivilege", "Invalid username or password."))
            return
        with server.lock:
            if len(server.sessions) >= server.max_sessions:
                full = True
            else:
                full = False
                token = secrets.token_hex(16)
                uri = f"{SESSIONS}/{secrets.token_hex(4)}"
                server.sessions[token] = uri
        if full:
            self._json(503, _error("SessionLimitExceeded", "The session limit was exceeded."))
            return
        document = {"@odata.id": uri, "Id": uri.rsplit("/", 1)[-1], "UserName": server.user}
        self._json(201, document, extra={"X-Auth-Token": token, "Location": uri})

    def _logout(self, path: str) -> None:
        with self.server.lock:
            owned = {uri: t for t, uri in self.server.sessions.items()}
            if path not in owned:
                missing = True
            else:
                missing = False
                del self.server.sessions[owned[path]]
                self.server.closed_sessions.append(path)
        if missing:
            self._json(404, _error("ResourceMissingAtURI", f"{path} not found"))
        else:
            self._empty(204)

    # -- resources -----------------------------------------------------------------------------

    def _root(self) -> dict[str, Any]:
        root: dict[str, Any] = {
            "@odata.id": "/redfish/v1/",
            "RedfishVersion": "1.15.0",
            "Systems": {"@odata.id": "/redfish/v1/Systems"},
        }
        if self.server.session_service:
            root["SessionService"] = {"@odata.id": "/redfish/v1/SessionService"}
            root["Links"] = {"Sessions": {"@odata.id": SESSIONS}}
        return root

    def _system(self) -> dict[str, Any]:
        state = "On" if self.server.power.power_state() == PowerState.ON else "Off"
        reset = {"target": RESET_TARGET, "@Redfish.ActionInfo": ACTION_INFO}
        return {"@odata.id": SYSTEM, "Id": "1", "PowerState": state,
                "Actions": {"#ComputerSystem.Reset": reset}}  # fmt: skip

    def _action_info(self) -> dict[str, Any]:
        parameter = {"Name": "ResetType", "Required": True, "DataType": "String",
                     "AllowableValues": list(self.server.allowed)}  # fmt: skip
        return {"@odata.id": ACTION_INFO, "Id": "ResetActionInfo", "Parameters": [parameter]}

    def _reset(self, reset_type: str) -> None:
        if reset_type not in self.server.allowed:
            message = f"The value {reset_type} for the parameter ResetType is not supported."
            self._json(400, _error("ActionParameterNotSupported", message))
            return
        self.server.posted.append(reset_type)
        power = self.server.power
        if reset_type in ("On", "ForceOn"):
            power.power_on()
        elif reset_type == "ForceOff":
            power.power_off()
        elif reset_type == "GracefulShutdown" and isinstance(power, GracefulPower):
            power.shutdown()
        elif reset_type == "ForceRestart":
            power.power_off()
            power.power_on()
        self._empty(204)

    # -- answers -------------------------------------------------------------------------------

    def _json(self, status: int, document: object, extra: dict[str, str] | None = None) -> None:
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _empty(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()
