"""Screen from an MJPEG-over-HTTP stream (ustreamer, PiKVM, HDMI-to-IP encoders), read directly.

OpenCV's FFmpeg reader decodes every frame of the stream at full resolution, on its thread,
whether anyone looks at it or not: 10 frames a second of 1080p cost 5-6 % of a core per device.
Here the reader thread only splits the stream into its parts (``harness.targets.mjpeg_parts``)
and keeps the newest JPEG bytes; ``grab()`` turns them into a ``JpegFrame``, previewed at 1/8
(about 1.8 ms at 1080p) and decoded at full resolution only when something reads its picture.
Freshness, stall, reconnection with backoff and the ``connection-lost`` / ``reconnected``
events are ``CaptureScreen``'s.

YAML (``backend: capture`` with an ``http://`` or ``https://`` url; ``reader: opencv`` selects
OpenCV's FFmpeg reader instead)::

    screen:
      backend: capture
      url: http://kvm-07.lab:8080/stream     # user:password@ in the URL: HTTP basic auth
      reader: multipart                      # multipart (default for http/https) | opencv
      stall_timeout_s: 10
      max_frame_age_s: 0.5
      open_timeout_s: 5                      # also the longest silence before reconnecting
      reconnect_max_backoff_s: 5
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from harness.errors import NoFrame
from harness.targets.capture import CaptureScreen
from harness.targets.frame import Frame
from harness.targets.jpeg_frame import JpegError, JpegFrame, decode_jpeg, jpeg_size, preview_of
from harness.targets.mjpeg_parts import StreamFormatError, boundary_of, iter_parts

_log = logging.getLogger(__name__)

MIN_PREVIEW_LINES = 1080
"""Frames this tall or taller are compared on their 1/8 preview. One changed digit of an ESP
substep status moves a preview cell by 38 (1080p) and 81 (1440p), over the detector's noise
threshold of 14; below 1080 lines the text is too small for 8 x 8 block means (7 at 900 lines,
13 at 768 and 1050: missed), so smaller frames are decoded in full when looked at - still only
the frames looked at, and small ones (docs/benchmarks.md, "Watching many devices")."""


@dataclass(frozen=True)
class JpegPart:
    """The newest part of the stream: its bytes and when they arrived (``time.monotonic()``)."""

    jpeg: bytes
    timestamp: float


def redacted(url: str) -> str:
    """The URL without user-info: labels and messages never carry a password."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return parts._replace(netloc=netloc).geturl()


class _StreamReader:
    """One open HTTP connection to the stream, read part by part (a ``FrameReader``).

    Holds the socket itself: ``http.client`` drops its own reference once it knows the answer
    ends with the connection (ustreamer's HTTP/1.0), and the response must be closed too, or
    its socket is left for the garbage collector."""

    def __init__(
        self,
        connection: http.client.HTTPConnection,
        sock: socket.socket | None,
        response: http.client.HTTPResponse,
        parts: Iterator[bytes],
    ) -> None:
        self._connection = connection
        self._sock = sock
        self._response = response
        self._parts = parts

    def read(self) -> tuple[bool, bytes | None]:
        try:
            return True, next(self._parts)
        except StopIteration:
            return False, None
        except (OSError, ValueError, http.client.HTTPException, StreamFormatError) as problem:
            _log.warning("stream read failed: %s", problem)
            return False, None

    def release(self) -> None:
        self.interrupt()
        with contextlib.suppress(OSError, ValueError):
            self._response.close()
        self._connection.close()
        if self._sock is not None:
            self._sock.close()

    def interrupt(self) -> None:
        """Unblock a read in progress (from another thread): ``close()`` must not wait for it."""
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)


class MjpegStreamScreen(CaptureScreen):
    """A ``Screen`` (and ``EventSource``) on an MJPEG stream read without decoding it."""

    def __init__(self, url: str, **settings: Any) -> None:
        super().__init__(url, api="multipart", **settings)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {redacted(url)}")
        self.label = f"capture:{redacted(url)}"
        self._url = parts
        self._reader: _StreamReader | None = None
        self._reader_lock = threading.Lock()
        self._served: tuple[JpegPart, Frame] | None = None

    def close(self) -> None:
        self._stop.set()
        with self._reader_lock:
            if self._reader is not None:
                self._reader.interrupt()
        super().close()

    def _open(self) -> _StreamReader | None:
        url = self._url
        connection_class = (
            http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(url.hostname or "", url.port, timeout=self.open_timeout_s)
        path = url.path or "/"
        if url.query:
            path += "?" + url.query
        headers = {"Accept": "multipart/x-mixed-replace, image/jpeg"}
        if url.username is not None:
            secret = f"{unquote(url.username)}:{unquote(url.password or '')}"
            headers["Authorization"] = "Basic " + base64.b64encode(secret.encode()).decode()
        sock: socket.socket | None = None
        response: http.client.HTTPResponse | None = None
        try:
            connection.request("GET", path, headers=headers)
            sock = connection.sock
            response = connection.getresponse()
            if response.status != 200:
                raise StreamFormatError(f"HTTP {response.status} {response.reason}")
            boundary = boundary_of(response.getheader("Content-Type", ""))
        except (OSError, http.client.HTTPException, StreamFormatError) as problem:
            _log.warning("%s: cannot open: %s", self.label, problem)
            if response is not None:
                response.close()
            connection.close()
            if sock is not None:
                sock.close()
            return None
        reader = _StreamReader(connection, sock, response, iter_parts(response, boundary))
        with self._reader_lock:
            self._reader = reader
        return reader

    def _publish(self, item: bytes) -> None:
        part = JpegPart(jpeg=item, timestamp=time.monotonic())
        with self._new_frame:
            self._latest = part
            self._new_frame.notify_all()

    def _frame_of(self, latest: JpegPart) -> Frame:
        """The part as a frame, previewed once; the same part twice is the same frame."""
        served = self._served
        if served is not None and served[0] is latest:
            return served[1]
        previous = served[1] if served is not None else None
        try:
            if previous is not None and served is not None and served[0].jpeg == latest.jpeg:
                # Byte-identical pictures (ustreamer repeats an unchanged frame every second).
                preview = previous.preview
            elif jpeg_size(latest.jpeg)[1] >= MIN_PREVIEW_LINES:
                preview = preview_of(latest.jpeg)
            else:
                preview = None
        except JpegError as problem:
            # One corrupt part is not a stall: hand out the last good picture, if any, else wait.
            _log.warning("%s: %s", self.label, problem)
            if previous is None:
                message = f"{self.label}: the stream's first picture is broken: {problem}"
                raise NoFrame(message) from problem
            return previous
        frame: Frame
        if preview is None:
            image = decode_jpeg(latest.jpeg)
            frame = Frame(image=image, timestamp=latest.timestamp, source=self.label)
        else:
            frame = JpegFrame(
                latest.jpeg, timestamp=latest.timestamp, source=self.label, preview=preview
            )
        self._served = (latest, frame)
        return frame
