"""PiKVM screen: ``GET /api/streamer/snapshot``, with the streamer kept running.

kvmd (``apps/kvmd/server.py``, ``__stream_controller``) starts ustreamer only while a stream
client is connected - a websocket ``/api/ws`` opened with ``stream=1``, as the web UI and
kvmd-vnc open it - or with ``kvmd: streamer: forever: true`` (the default only on the V4 Plus).
Otherwise ``/api/streamer/snapshot`` answers 503 for a device that is running. So the screen
holds such a websocket (``StreamKeepAlive``: a thread that reconnects and sends kvmd's ``ping``
event) and waits up to ``stream_start_timeout_s`` after connecting for ustreamer to start.

Snapshots are taken with ``allow_offline=1``: with no HDMI signal ustreamer still answers with
its "no signal" picture, which is a frame like any other (the flow's vision judges it, as for a
capture card); a 503 then means only "no streamer", and the message says what to set.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from urllib.parse import urlsplit

import cv2
import numpy as np

from harness.errors import NoFrame
from harness.targets.frame import Frame
from harness.targets.http_client import HttpClient, HttpResponse, open_tls_socket, redact
from harness.targets.pikvm_api import PiKvmSettings, api_error

_log = logging.getLogger(__name__)

PING_INTERVAL_S = 5.0
FOREVER_HINT = (
    "or set 'kvmd: {streamer: {forever: true}}' in /etc/kvmd/override.yaml and restart kvmd"
)


class StreamKeepAlive:
    """One kvmd websocket with ``stream=1``, reconnected while the screen is in use."""

    def __init__(self, settings: PiKvmSettings) -> None:
        self.settings = settings
        parts = urlsplit(settings.url)
        self.ws_url = f"wss://{parts.netloc}{parts.path.rstrip('/')}/api/ws?stream=1"
        self.connected = threading.Event()
        self.connected_at = 0.0
        self.error = ""
        self.connections = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def ensure_started(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="pikvm-stream", daemon=True)
            self._thread.start()

    def wait_connected(self, timeout_s: float) -> bool:
        return self.connected.wait(timeout_s)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            self._thread = None

    def _run(self) -> None:
        import websocket

        backoff = 0.5
        while not self._stop.is_set():
            try:
                sock = open_tls_socket(self.ws_url, self.settings.tls, self.settings.timeout_s)
                headers = [f"{k}: {v}" for k, v in self.settings.auth.headers().items()]
                ws = websocket.create_connection(
                    self.ws_url, socket=sock, header=headers, timeout=self.settings.timeout_s
                )
            except Exception as problem:
                self.error = _ws_error(problem)
                _log.warning(
                    "PiKVM %s: stream websocket: %s", redact(self.settings.url), self.error
                )
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            self.error = ""
            backoff = 0.5
            self.connections += 1
            self.connected_at = time.monotonic()
            self.connected.set()
            try:
                self._hold(ws)
            finally:
                self.connected.clear()
                ws.close()

    def _hold(self, ws: object) -> None:
        import websocket

        assert isinstance(ws, websocket.WebSocket)
        ws.settimeout(1.0)
        next_ping = time.monotonic() + PING_INTERVAL_S
        while not self._stop.is_set():
            try:
                ws.recv()  # kvmd's state events; websocket pings are answered inside recv()
            except websocket.WebSocketTimeoutException:
                pass
            except (websocket.WebSocketException, OSError) as problem:
                self.error = f"stream websocket closed: {_ws_error(problem)}"
                return
            if time.monotonic() >= next_ping:
                ws.send(json.dumps({"event_type": "ping", "event": {}}))
                next_ping = time.monotonic() + PING_INTERVAL_S


def _ws_error(problem: BaseException) -> str:
    status = getattr(problem, "status_code", None)
    if status == 403:
        return "HTTP 403 wrong user or password"
    if status == 401:
        return "HTTP 401 no credentials accepted"
    return redact(f"{type(problem).__name__}: {problem}")


class PiKvmScreen:
    def __init__(self, client: HttpClient, settings: PiKvmSettings) -> None:
        self.client = client
        self.label = f"pikvm:{client.label}"
        self.start_timeout_s = settings.stream_start_timeout_s
        self.keepalive = StreamKeepAlive(settings)

    def grab(self) -> Frame:
        self.keepalive.ensure_started()
        response = self._snapshot()
        if response.status == 503:
            # No streamer yet: kvmd starts ustreamer once the stream client is connected.
            self.keepalive.wait_connected(self.start_timeout_s)
            while response.status == 503 and self._streamer_may_still_start():
                time.sleep(0.2)
                response = self._snapshot()
        if response.status == 503:
            raise NoFrame(f"{self.label}: {self._why_no_streamer()}")
        if response.status != 200:
            raise NoFrame(f"{self.label}: snapshot failed: {api_error(response)}")
        image = cv2.imdecode(np.frombuffer(response.body, np.uint8), cv2.IMREAD_COLOR)
        if image is None:
            raise NoFrame(f"{self.label}: snapshot is not a decodable JPEG")
        return Frame(image=image, timestamp=time.monotonic(), source=self.label)

    def _snapshot(self) -> HttpResponse:
        return self.client.request("GET", "/api/streamer/snapshot", query={"allow_offline": "1"})

    def _streamer_may_still_start(self) -> bool:
        keepalive = self.keepalive
        return (
            keepalive.connected.is_set()
            and time.monotonic() - keepalive.connected_at < self.start_timeout_s
        )

    def _why_no_streamer(self) -> str:
        if not self.keepalive.connected.is_set():
            return (
                "no snapshot (HTTP 503): the streamer runs only while a stream client is "
                f"connected, and the stream websocket could not connect ({self.keepalive.error}); "
                f"fix that {FOREVER_HINT}"
            )
        return (
            "no snapshot (HTTP 503) although a stream client is connected since "
            f"{time.monotonic() - self.keepalive.connected_at:.0f} s: ustreamer does not run "
            f"(check kvmd's log: journalctl -u kvmd), {FOREVER_HINT}"
        )

    def close(self) -> None:
        self.keepalive.stop()
