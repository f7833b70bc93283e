"""A loopback HTTP server speaking PiKVM's documented kvmd API, in front of a simulated device.

PiKVM hardware cannot run here, so the ``pikvm`` backend is tested against this server, which
follows the API as documented: ``X-KVMD-User`` / ``X-KVMD-Passwd`` on every request (401
otherwise), ``{"ok": ..., "result": ...}`` JSON answers,
``POST /api/hid/events/send_key?key=&state=``,
``POST /api/hid/events/send_shortcut?keys=``, ``GET /api/streamer/snapshot`` (JPEG, 503 while
the device shows no signal, i.e. is off), ``GET /api/atx`` (power LED) and
``POST /api/atx/power?action=on|off|off_hard|reset_hard``. Every request is recorded in
``requests`` (method, path, query) so tests can assert what the backend sent.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import cv2

from harness.keys.vocabulary import key_by_js_code
from harness.sim.peers.held_keys import HeldKeys
from harness.targets.protocols import GracefulPower, Keyboard, Power, PowerState, Screen

ATX_ACTIONS = ("on", "off", "off_hard", "reset_hard")


class PiKvmServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        screen: Screen,
        keyboard: Keyboard,
        power: Power,
        *,
        user: str,
        password: str,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__((host, port), _PiKvmHandler)
        self.screen = screen
        self.power = power
        self.user = user
        self.password = password
        self.held = HeldKeys(keyboard)
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> PiKvmServer:
        self._thread = threading.Thread(target=self.serve_forever, name="pikvm", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _PiKvmHandler(BaseHTTPRequestHandler):
    server: PiKvmServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        with self.server.lock:
            self.server.requests.append((method, parts.path, query))
        if (
            self.headers.get("X-KVMD-User") != self.server.user
            or self.headers.get("X-KVMD-Passwd") != self.server.password
        ):
            self._json(401, False, {"error": "UnauthorizedError", "error_msg": "Unauthorized"})
            return
        routes = {
            ("POST", "/api/hid/events/send_key"): self._send_key,
            ("POST", "/api/hid/events/send_shortcut"): self._send_shortcut,
            ("GET", "/api/streamer/snapshot"): self._snapshot,
            ("GET", "/api/atx"): self._atx_state,
            ("POST", "/api/atx/power"): self._atx_power,
        }
        handler = routes.get((method, parts.path))
        if handler is None:
            self._json(404, False, {"error": "HttpNotFound", "error_msg": "Not found"})
            return
        handler(query)

    # -- HID ---------------------------------------------------------------------------------

    def _send_key(self, query: dict[str, str]) -> None:
        key = key_by_js_code(query.get("key", ""))
        state = query.get("state")
        if key is None or state not in (None, "true", "false", "1", "0"):
            self._bad_request(f"bad key or state: {query}")
            return
        with self.server.lock:
            if state in (None, "true", "1"):
                self.server.held.down(key)
            if state in (None, "false", "0"):
                self.server.held.up(key)
        self._json(200, True, {})

    def _send_shortcut(self, query: dict[str, str]) -> None:
        keys = [key_by_js_code(name) for name in query.get("keys", "").split(",") if name]
        if not keys or None in keys:
            self._bad_request(f"bad keys: {query.get('keys')!r}")
            return
        with self.server.lock:
            for key in keys:
                self.server.held.down(key)  # type: ignore[arg-type]
            for key in reversed(keys):
                self.server.held.up(key)  # type: ignore[arg-type]
        self._json(200, True, {})

    # -- streamer ----------------------------------------------------------------------------

    def _snapshot(self, query: dict[str, str]) -> None:
        if self.server.power.power_state() != PowerState.ON:
            self._json(503, False, {"error": "UnavailableError", "error_msg": "No signal"})
            return
        _, data = cv2.imencode(".jpg", self.server.screen.grab().image)
        body = data.tobytes()
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    # -- ATX ---------------------------------------------------------------------------------

    def _atx_state(self, query: dict[str, str]) -> None:
        on = self.server.power.power_state() == PowerState.ON
        result = {"enabled": True, "busy": False, "leds": {"power": on, "hdd": on}}
        self._json(200, True, result)

    def _atx_power(self, query: dict[str, str]) -> None:
        action = query.get("action")
        if action not in ATX_ACTIONS:
            self._bad_request(f"bad action: {action!r}")
            return
        power = self.server.power
        on = power.power_state() == PowerState.ON
        # kvmd's "on"/"off"/"off_hard" do nothing when the LED already shows the wanted state.
        if action == "on" and not on:
            power.power_on()
        elif action == "off" and on:
            if isinstance(power, GracefulPower):
                power.shutdown()
            else:
                power.power_off()
        elif action == "off_hard" and on:
            power.power_off()
        elif action == "reset_hard":
            power.power_off()
            power.power_on()
        self._json(200, True, {})

    # -- answers -----------------------------------------------------------------------------

    def _bad_request(self, message: str) -> None:
        self._json(400, False, {"error": "ValidatorError", "error_msg": message})

    def _json(self, status: int, ok: bool, result: dict[str, object]) -> None:
        body = json.dumps({"ok": ok, "result": result}).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
