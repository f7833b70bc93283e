"""An MJPEG-over-HTTP stream of a ``Screen``, served the way ustreamer serves it.

``GET /stream`` answers ``multipart/x-mixed-replace;boundary=boundarydonotcross`` with one JPEG part
per frame (``Content-Type``, ``Content-Length``, ``X-Timestamp``), ``GET /snapshot`` one JPEG.
Faults for tests: ``cut()`` closes every stream and refuses new ones (a pulled cable, a dead
encoder), ``stall()`` keeps the connections open but sends nothing, ``restore()`` undoes both.
"""

from __future__ import annotations

import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2

from harness.targets.protocols import Screen

BOUNDARY = "boundarydonotcross"


class MjpegServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        screen: Screen,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        fps: float = 10.0,
        quality: int = 85,
    ) -> None:
        super().__init__((host, port), _MjpegHandler)
        self.screen = screen
        self.fps = fps
        self.quality = quality
        self.cut_off = threading.Event()
        self.stalled = threading.Event()
        self.frames_sent = 0
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> MjpegServer:
        self._thread = threading.Thread(target=self.serve_forever, name="mjpeg", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.cut_off.set()
        self.shutdown()
        self.server_close()

    def cut(self) -> None:
        self.cut_off.set()

    def stall(self) -> None:
        self.stalled.set()

    def restore(self) -> None:
        self.cut_off.clear()
        self.stalled.clear()

    def jpeg(self) -> bytes:
        frame = self.screen.grab()
        ok, data = cv2.imencode(".jpg", frame.image, [cv2.IMWRITE_JPEG_QUALITY, self.quality])
        if not ok:
            raise RuntimeError("JPEG encoding failed")
        return data.tobytes()


class _MjpegHandler(BaseHTTPRequestHandler):
    server: MjpegServer
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.server.cut_off.is_set():
            self.close_connection = True
            return  # a dead encoder: the connection closes without an answer
        path = self.path.split("?", 1)[0]
        if path == "/snapshot":
            self._send_snapshot()
        elif path == "/stream":
            self._send_stream()
        else:
            self.send_error(404)

    def _send_snapshot(self) -> None:
        data = self.server.jpeg()
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", f"multipart/x-mixed-replace;boundary={BOUNDARY}")
        self.send_header("Cache-Control", "no-store, no-cache, must-revalidate")
        self.send_header("Connection", "close")
        self.end_headers()
        interval = 1.0 / self.server.fps
        with contextlib.suppress(OSError):
            while not self.server.cut_off.is_set():
                started = time.monotonic()
                if not self.server.stalled.is_set():
                    data = self.server.jpeg()
                    head = (
                        f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                        f"Content-Length: {len(data)}\r\nX-Timestamp: {time.time():.6f}\r\n\r\n"
                    )
                    self.wfile.write(head.encode("ascii") + data + b"\r\n")
                    self.wfile.flush()
                    self.server.frames_sent += 1
                time.sleep(max(0.0, interval - (time.monotonic() - started)))
        self.close_connection = True
