"""The request handler of the PiKVM peer (``pikvm_server``): routes, auth, answers.

Answers have kvmd's form, ``{"ok": status == 200, "result": {...}}`` with ``error`` /
``error_msg`` on failures (``htserver.make_json_exception``). HTTP/1.1 with keep-alive, as nginx
serves it, so a client's connection reuse is exercised.
"""

from __future__ import annotations

import hashlib
import json
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import cv2
import numpy as np

from harness.keys.vocabulary import key_by_js_code
from harness.sim.peers.pikvm_atx import AtxBusy, AtxDisabled
from harness.sim.peers.websocket_peer import WsConnection, accept_key
from harness.targets.protocols import PowerState

if TYPE_CHECKING:
    from harness.sim.peers.pikvm_server import PiKvmServer

ROUTES = {
    ("GET", "/api/hid"): "_hid_state",
    ("POST", "/api/hid/events/send_key"): "_send_key",
    ("POST", "/api/hid/events/send_shortcut"): "_send_shortcut",
    ("GET", "/api/streamer/snapshot"): "_snapshot",
    ("GET", "/api/streamer"): "_streamer_state",
    ("GET", "/api/atx"): "_atx_state",
    ("POST", "/api/atx/power"): "_atx_power",
    ("GET", "/api/ws"): "_websocket",
    ("GET", "/api/auth/check"): "_auth_check",
}
TRUE = ("1", "true", "yes", "on")


def _flag(query: dict[str, str], name: str, default: bool = False) -> bool:
    return query[name].lower() in TRUE if name in query else default


class PiKvmHandler(BaseHTTPRequestHandler):
    server: PiKvmServer
    protocol_version = "HTTP/1.1"
    rbufsize = 0  # unbuffered: the websocket reads frames from the socket it selects on

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        with self.server.lock:
            self.server.requests.append((method, parts.path, query))
        handler = ROUTES.get((method, parts.path))
        if handler is None:
            if any(path == parts.path for _, path in ROUTES):
                self._answer(405, b"405: Method Not Allowed", "text/plain")
            else:
                self._error(404, "HttpNotFound", "Not found")
            return
        if not self._authorized():
            return
        getattr(self, handler)(query)

    # -- auth (api/auth.py _check_xhdr, auth.py authorize) ---------------------------------

    def _authorized(self) -> bool:
        user = self.headers.get("X-KVMD-User", "")
        if not user:
            self._error(401, "UnauthorizedError", "Unauthorized")
            return False
        passwd = self.headers.get("X-KVMD-Passwd", "")
        if user == self.server.user and self._password_ok(passwd):
            return True
        self._error(403, "ForbiddenError", "Forbidden")
        return False

    def _password_ok(self, passwd: str) -> bool:
        secret = self.server.totp_secret
        if secret:
            import pyotp

            code, passwd = passwd[-6:], passwd[:-6]
            if not pyotp.TOTP(secret).verify(code, valid_window=1):
                return False
        given = hashlib.sha256(passwd.encode()).digest()
        return given == hashlib.sha256(self.server.password.encode()).digest()

    def _auth_check(self, query: dict[str, str]) -> None:
        self._json(200, {})

    # -- HID (api/hid.py) ------------------------------------------------------------------

    def _send_key(self, query: dict[str, str]) -> None:
        key = key_by_js_code(query.get("key", ""))
        state = query.get("state")
        if key is None or (state is not None and state.lower() not in (*TRUE, "0", "false")):
            self._error(400, "ValidatorError", f"bad key or state: {query}")
            return
        held = self.server.held
        with self.server.lock:
            if state is None:
                held.down(key)
                held.up(key)
            elif state.lower() in TRUE:
                held.down(key)
            else:
                held.up(key)
        self._json(200, {})

    def _send_shortcut(self, query: dict[str, str]) -> None:
        keys = [key_by_js_code(name) for name in query.get("keys", "").split(",") if name]
        if None in keys:
            self._error(400, "ValidatorError", f"bad keys: {query.get('keys')!r}")
            return
        with self.server.lock:
            for key in keys:
                self.server.held.down(key)  # type: ignore[arg-type]
            for key in reversed(keys):
                self.server.held.up(key)  # type: ignore[arg-type]
        self._json(200, {})

    # -- streamer (api/streamer.py, streamer/__init__.py, server.py) -----------------------

    def _snapshot(self, query: dict[str, str]) -> None:
        if not self.server.streamer_running():
            self._error(503, "UnavailableError", "Service Unavailable")
            return
        online = self.server.power.power_state() == PowerState.ON
        if not online and not _flag(query, "allow_offline"):
            self._error(503, "UnavailableError", "Service Unavailable")
            return
        # Offline: a black picture stands in for ustreamer's "no signal" one.
        image = self.server.screen.grab().image if online else np.zeros((480, 640, 3), np.uint8)
        _, data = cv2.imencode(".jpg", image)
        self._answer(200, data.tobytes(), "image/jpeg")

    def _streamer_state(self, query: dict[str, str]) -> None:
        running = self.server.streamer_running()
        online = self.server.power.power_state() == PowerState.ON
        streamer = {"source": {"online": online}, "stream": {"clients": 0}} if running else None
        self._json(200, {"streamer": streamer})

    def _websocket(self, query: dict[str, str]) -> None:
        key = self.headers.get("Sec-WebSocket-Key")
        if self.headers.get("Upgrade", "").lower() != "websocket" or not key:
            self._error(400, "BadRequest", "expected a websocket upgrade")
            return
        stream = _flag(query, "stream", default=True)
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept_key(key))
        self.end_headers()
        self.wfile.flush()
        self._record(101)
        server = self.server
        with server.lock:
            server.ws_sessions += 1
            server.stream_clients += int(stream)
        ws = WsConnection(self.connection, self.rfile, self.wfile)  # type: ignore[arg-type]
        try:
            ws.send_text(json.dumps({"event_type": "loop", "event": {}}))

            def on_text(text: str) -> None:
                if json.loads(text).get("event_type") == "ping":
                    ws.send_text(json.dumps({"event_type": "pong", "event": {}}))

            ws.serve(on_text, server.stopping.is_set)
        except (OSError, ValueError):
            pass
        finally:
            with server.lock:
                server.stream_clients -= int(stream)
                server.held.release_all()  # kvmd: _on_ws_removed -> hid.clear_events()
        self.close_connection = True

    # -- ATX (plugins/atx/gpio.py) ---------------------------------------------------------

    def _hid_state(self, query: dict[str, str]) -> None:
        # kvmd's OTG plugin (plugins/hid/otg get_state): the HID itself is always online; the
        # keyboard is online once the device under test has enumerated the USB gadget.
        keyboard = {
            "online": self.server.hid_keyboard_online,
            "leds": {"caps": False, "scroll": False, "num": False},
            "outputs": {"available": [], "active": ""},
        }
        mouse = {"outputs": {"available": [], "active": ""}, "online": True, "absolute": True}
        state = {"enabled": True, "online": True, "busy": False, "connected": None}
        self._json(200, {**state, "keyboard": keyboard, "mouse": mouse})

    def _atx_state(self, query: dict[str, str]) -> None:
        self._json(200, self.server.atx.state())

    def _atx_power(self, query: dict[str, str]) -> None:
        action = query.get("action")
        if action not in ("on", "off", "off_hard", "reset_hard"):
            self._error(400, "ValidatorError", f"bad action: {action!r}")
            return
        try:
            self.server.atx.action(action, wait=_flag(query, "wait"))
        except AtxBusy:
            self._error(409, "AtxIsBusyError", AtxBusy.message)
            return
        except AtxDisabled:
            self._error(400, "AtxDisabledError", AtxDisabled.message)
            return
        self._json(200, {})

    # -- answers ---------------------------------------------------------------------------

    def _error(self, status: int, name: str, message: str) -> None:
        self._json(status, {"error": name, "error_msg": message})

    def _json(self, status: int, result: dict[str, Any]) -> None:
        body = json.dumps({"ok": status == 200, "result": result}).encode("utf-8")
        self._answer(status, body, "application/json")

    def _answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self._record(status)

    def _record(self, status: int) -> None:
        with self.server.lock:
            self.server.statuses.append((urlsplit(self.path).path, status))


class RedirectHandler(BaseHTTPRequestHandler):
    """nginx's port 80 on a PiKVM: ``return 301 https://$host$request_uri`` for every method."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _redirect(self) -> None:
        host = self.headers.get("Host", "127.0.0.1").rsplit(":", 1)[0]
        port = self.server.https_port  # type: ignore[attr-defined]
        self.send_response(301)
        self.send_header("Location", f"https://{host}:{port}{self.path}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_DELETE = _redirect
