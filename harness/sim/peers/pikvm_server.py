"""A loopback PiKVM, written from kvmd's source (not from our client), in front of a device.

What it does as kvmd + its nginx do (``kvmd/htserver.py``, ``apps/kvmd/api/auth.py``,
``apps/kvmd/auth.py``, ``apps/kvmd/server.py``, ``apps/kvmd/streamer``, ``api/hid.py``,
``plugins/atx/gpio.py``):

- HTTPS only, with a self-signed CN=localhost certificate without SAN made at start
  (``fingerprint``); ``http_url`` is nginx's plain-http listener: 301 to https for every method.
- Routing before auth (aiohttp): unknown path 404, known path with another method 405. Then
  ``X-KVMD-User`` / ``X-KVMD-Passwd``: no user -> 401, wrong password -> 403. With
  ``totp_secret`` the last 6 characters of the password are a TOTP code (pyotp, window 1).
- ``GET /api/hid``: the OTG HID's state, keyboard ``online`` from ``hid_keyboard_online``.
- ``POST /api/hid/events/send_key?key=&state=`` (no state: press and release);
  ``send_shortcut?keys=`` presses in order and releases in reverse (kvmd spaces them 50 ms).
- ``GET /api/ws?stream=1`` (websocket, ``stream`` defaults to true): a stream client. ustreamer
  runs while at least one is connected or with ``stream_forever``; otherwise
  ``/api/streamer/snapshot`` is 503. With no signal (device off) the snapshot is 503 unless
  ``allow_offline=1``, which answers a black "no signal" picture.
- ``streamer_fails``: ustreamer never starts (a broken capture): 503 even with stream clients.
- ATX through ``pikvm_atx.AtxModel``: ``/api/atx`` state, ``/api/atx/power?action=&wait=``,
  409 while a click runs, 400 when ATX is disabled.

Every request is recorded in ``requests`` (method, path, query) and every answer status in
``statuses``, so tests can assert what the backend sent and what it was told.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import tempfile
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

from harness.sim.peers.held_keys import HeldKeys
from harness.sim.peers.pikvm_atx import AtxModel
from harness.sim.peers.pikvm_handler import PiKvmHandler, RedirectHandler
from harness.sim.peers.self_signed import make_self_signed
from harness.targets.protocols import Keyboard, Power, Screen


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
        totp_secret: str | None = None,
        stream_forever: bool = False,
        streamer_fails: bool = False,
        atx_enabled: bool = True,
        atx_time_scale: float = 1.0,
        atx_gate: threading.Event | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        http_port: int | None = 0,
    ) -> None:
        super().__init__((host, port), PiKvmHandler)
        self._tls_dir = Path(tempfile.mkdtemp(prefix="pikvm-peer-"))
        certificate = make_self_signed(self._tls_dir)
        self.fingerprint = certificate.fingerprint
        self.cert_file = certificate.cert_file
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls.load_cert_chain(certificate.cert_file, certificate.key_file)
        self.screen = screen
        self.user = user
        self.password = password
        self.totp_secret = totp_secret
        self.stream_forever = stream_forever
        self.streamer_fails = streamer_fails
        self.connections = 0
        self.held = HeldKeys(keyboard)
        self.hid_keyboard_online = True
        """``GET /api/hid`` keyboard ``online``: False stands for a USB cable not plugged in."""
        self.atx = AtxModel(power, enabled=atx_enabled, time_scale=atx_time_scale, gate=atx_gate)
        self.power = power
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.statuses: list[tuple[str, int]] = []
        self.stream_clients = 0
        self.ws_sessions = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._serve_threads: list[threading.Thread] = []
        self.redirect: ThreadingHTTPServer | None = None
        if http_port is not None:
            self.redirect = ThreadingHTTPServer((host, http_port), RedirectHandler)
            self.redirect.daemon_threads = True
            self.redirect.https_port = self.server_address[1]  # type: ignore[attr-defined]

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"https://{host}:{port}"

    @property
    def http_url(self) -> str:
        assert self.redirect is not None
        host, port = self.redirect.server_address[:2]
        return f"http://{host}:{port}"

    def streamer_running(self) -> bool:
        with self.lock:
            if self.streamer_fails:  # ustreamer cannot start (no capture device, say)
                return False
            return self.stream_forever or self.stream_clients > 0

    def finish_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        """TLS in the connection's own thread, so a silent client cannot stall the others."""
        request.settimeout(10)
        with self.lock:
            self.connections += 1
        try:
            tls = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            with contextlib.suppress(OSError):
                tls.close()

    def start(self) -> PiKvmServer:
        for server, name in ((self, "pikvm"), (self.redirect, "pikvm-http")):
            if server is not None:
                thread = threading.Thread(
                    target=server.serve_forever, args=(0.05,), name=name, daemon=True
                )
                thread.start()
                self._serve_threads.append(thread)
        return self

    def stop(self) -> None:
        self.stopping.set()
        for server in (self, self.redirect):
            if server is not None:
                server.shutdown()
                server.server_close()
        self.atx.join()
        shutil.rmtree(self._tls_dir, ignore_errors=True)
