"""Screen through OpenCV ``VideoCapture``: a UVC HDMI grabber or a network stream.

A source is a device (an index like ``0`` or a path like ``/dev/video0``), opened with the OS's
native API (V4L2 on Linux, Media Foundation on Windows, AVFoundation on macOS; ``api:`` overrides),
or a URL (MJPEG over HTTP as ustreamer, PiKVM and HDMI-to-IP encoders serve it, or RTSP), opened
through FFmpeg.

Captures buffer frames, and a judged frame must be the current picture, so a reader thread reads
continuously and keeps only the latest frame; ``grab()`` returns a frame younger than
``max_frame_age_s`` or waits for the next one. When the source drops (a cable pulled, a stream
server restarted) the reader reopens it with exponential backoff and reports
``connection-lost`` / ``reconnected`` events. When no new frame arrives for ``stall_timeout_s``,
``grab()`` raises ``NoFrame``: a rig error, not a device failure. A black or "no signal" picture
is still a frame: telling it apart is the job of ``harness.vision``.

YAML::

    screen:
      backend: capture
      device: /dev/video0          # or an index (0), or `url:` instead
      # url: http://kvm-07.lab:8080/stream   # MJPEG over HTTP (ustreamer), or rtsp://...
      api: v4l2                    # v4l2 | msmf | dshow | avfoundation | ffmpeg | any
      fourcc: MJPG                 # ask a UVC grabber for MJPEG (full rate at 1080p)
      width: 1920
      height: 1080
      fps: 30
      stall_timeout_s: 10          # no new frame for this long -> NoFrame (rig error)
      max_frame_age_s: 0.5         # grab() waits for a newer frame than this
      open_timeout_s: 5            # per attempt to open the source (streams)
      reconnect_max_backoff_s: 5   # reopen after a drop: 0.25 s, doubling up to this

An ``http://`` / ``https://`` URL is read by ``harness.targets.capture_mjpeg`` (the stream's JPEG
parts, decoded only when looked at) unless ``reader: opencv`` or an OpenCV setting (``api``,
``fourcc``, ``width``, ``height``, ``fps``) is given.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any, Protocol

import cv2
import numpy as np

from harness.errors import ConfigError, NoFrame
from harness.targets.events import TargetEvent, TargetEventKind
from harness.targets.frame import Frame
from harness.targets.rig_settings import SettingsReader, check_role

_log = logging.getLogger(__name__)


class FrameReader(Protocol):
    """One opened source, read on the reader thread (``cv2.VideoCapture`` is one)."""

    def read(self) -> tuple[bool, Any]: ...

    def release(self) -> None: ...


APIS = {
    "any": cv2.CAP_ANY,
    "v4l2": cv2.CAP_V4L2,
    "msmf": cv2.CAP_MSMF,
    "dshow": cv2.CAP_DSHOW,
    "avfoundation": cv2.CAP_AVFOUNDATION,
    "ffmpeg": cv2.CAP_FFMPEG,
}


def default_device_api() -> str:
    if sys.platform.startswith("linux"):
        return "v4l2"
    if sys.platform == "win32":
        return "msmf"
    if sys.platform == "darwin":
        return "avfoundation"
    return "any"


class CaptureScreen:
    """A ``Screen`` (and ``EventSource``) reading an OpenCV ``VideoCapture`` on its own thread."""

    def __init__(
        self,
        source: int | str,
        *,
        api: str,
        fourcc: str | None = None,
        width: int | None = None,
        height: int | None = None,
        fps: float | None = None,
        stall_timeout_s: float = 10.0,
        max_frame_age_s: float = 0.5,
        open_timeout_s: float = 5.0,
        reconnect_max_backoff_s: float = 5.0,
    ) -> None:
        self.source = source
        self.api = api
        self.fourcc = fourcc
        self.width = width
        self.height = height
        self.fps = fps
        self.stall_timeout_s = stall_timeout_s
        self.max_frame_age_s = max_frame_age_s
        self.open_timeout_s = open_timeout_s
        self.reconnect_max_backoff_s = reconnect_max_backoff_s
        self.label = f"capture:{source}"
        self.reconnects = 0
        self._latest: Any = None
        """The reader's newest item; anything with a ``timestamp`` (here a ``Frame``)."""
        self._new_frame = threading.Condition()
        self._events: list[TargetEvent] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started_at = 0.0

    # -- Screen -------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._started_at = time.monotonic()
            self._thread = threading.Thread(
                target=self._read_loop, name=f"capture {self.source}", daemon=True
            )
            self._thread.start()

    def grab(self) -> Frame:
        self.start()
        with self._new_frame:
            while True:
                latest = self._latest
                now = time.monotonic()
                if latest is not None and now - latest.timestamp <= self.max_frame_age_s:
                    return self._frame_of(latest)
                since = latest.timestamp if latest is not None else self._started_at
                deadline = since + self.stall_timeout_s
                if now >= deadline:
                    raise NoFrame(self._stall_message(latest, now))
                self._new_frame.wait(min(deadline - now, 0.25))

    def drain_events(self) -> list[TargetEvent]:
        with self._new_frame:
            events, self._events = self._events, []
        return events

    def close(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            # The reader may sit in a blocking read; it releases the capture itself on exit.
            thread.join(timeout=self.open_timeout_s + 1.0)

    # -- reader thread ------------------------------------------------------------------------

    def _read_loop(self) -> None:
        backoff = 0.25
        ever_opened = False
        while not self._stop.is_set():
            reader = self._open()
            if reader is None:
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self.reconnect_max_backoff_s)
                continue
            if ever_opened:
                self.reconnects += 1
                self._record(TargetEventKind.RECONNECTED, "capture source reopened")
            ever_opened = True
            backoff = 0.25
            try:
                while not self._stop.is_set():
                    ok, item = reader.read()
                    if not ok or item is None:
                        break
                    self._publish(item)
            finally:
                reader.release()
            if not self._stop.is_set():
                _log.warning("%s: capture dropped, reopening", self.label)
                self._record(TargetEventKind.CONNECTION_LOST, "capture source dropped")

    def _open(self) -> FrameReader | None:
        timeout_ms = int(self.open_timeout_s * 1000)
        params = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
            timeout_ms,
            cv2.CAP_PROP_READ_TIMEOUT_MSEC,
            timeout_ms,
        ]
        try:
            capture = cv2.VideoCapture(self.source, APIS[self.api], params)
        except cv2.error as problem:
            _log.warning("%s: cannot open: %s", self.label, problem)
            return None
        if not capture.isOpened():
            capture.release()
            return None
        if self.fourcc:
            capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*self.fourcc))
        if self.width:
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        if self.height:
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        if self.fps:
            capture.set(cv2.CAP_PROP_FPS, self.fps)
        # Devices buffer several frames; a one-frame buffer keeps them current (V4L2 honours it).
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        return capture

    def _frame_of(self, latest: Any) -> Frame:
        """The frame ``grab`` hands out for the reader's latest item (here: that frame)."""
        return latest

    def _publish(self, image: np.ndarray) -> None:
        if image.ndim == 2:
            image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        frame = Frame(image=image, timestamp=time.monotonic(), source=self.label)
        with self._new_frame:
            self._latest = frame
            self._new_frame.notify_all()

    def _record(self, kind: TargetEventKind, detail: str) -> None:
        with self._new_frame:
            self._events.append(TargetEvent(kind=kind, timestamp=time.monotonic(), detail=detail))

    def _stall_message(self, latest: Any, now: float) -> str:
        if latest is None:
            return (
                f"{self.label}: no frame at all within {self.stall_timeout_s:g} s "
                f"(source not opened or delivering nothing; {self.reconnects} reconnects)"
            )
        return (
            f"{self.label}: capture stalled: no new frame for {now - latest.timestamp:.1f} s "
            f"(stall_timeout_s {self.stall_timeout_s:g})"
        )


def _is_http(url: str | None) -> bool:
    return url is not None and url.lower().startswith(("http://", "https://"))


def _default_reader(url: str | None) -> str:
    """MJPEG over HTTP is read part by part (``capture_mjpeg``); devices, RTSP, and URLs with
    OpenCV settings (``api``, ``fourcc`` ...) by OpenCV."""
    return "multipart" if _is_http(url) else "opencv"


def create(role: str, settings: Mapping[str, Any], *, source: str) -> CaptureScreen:
    """A ``CaptureScreen``; an http(s) URL gives its ``MjpegStreamScreen`` unless ``reader:
    opencv`` asks for OpenCV's FFmpeg reader."""
    check_role(role, ("screen",), backend="capture", source=source)
    reader = SettingsReader(settings, source=source)
    device = reader.has("device") and settings["device"]
    url = reader.text("url", None)
    if (device is not False) == (url is not None):
        raise ConfigError("give exactly one of device (index or path) or url", source=source)
    if url is not None:
        capture_source: int | str = url
        api = reader.choice("api", tuple(APIS), "ffmpeg")
    else:
        if isinstance(device, bool) or not isinstance(device, int | str):
            raise reader.error("device", f"expected an index or a path, got {device!r}")
        capture_source = device
        api = reader.choice("api", tuple(APIS), default_device_api())
    opencv_only = [key for key in ("api", "fourcc", "width", "height", "fps") if key in settings]
    default = "opencv" if opencv_only else _default_reader(url)
    stream_reader = reader.choice("reader", ("multipart", "opencv"), default)
    if stream_reader == "multipart" and not _is_http(url):
        raise reader.error("reader", "multipart reads http:// or https:// stream URLs only")
    timing = {
        "stall_timeout_s": reader.number("stall_timeout_s", 10.0, minimum=0.1),
        "max_frame_age_s": reader.number("max_frame_age_s", 0.5, minimum=0.0),
        "open_timeout_s": reader.number("open_timeout_s", 5.0, minimum=0.1),
        "reconnect_max_backoff_s": reader.number("reconnect_max_backoff_s", 5.0, minimum=0.25),
    }
    if stream_reader == "multipart":
        from harness.targets.capture_mjpeg import MjpegStreamScreen

        if opencv_only:
            raise reader.error(opencv_only[0], "applies to devices and reader: opencv only")
        reader.finish()
        assert url is not None
        return MjpegStreamScreen(url, **timing)
    fourcc = reader.text("fourcc", None)
    if fourcc is not None and len(fourcc) != 4:
        raise reader.error("fourcc", f"expected 4 characters (MJPG, YUYV), got {fourcc!r}")
    screen = CaptureScreen(
        capture_source,
        api=api,
        fourcc=fourcc,
        width=reader.integer("width", None, minimum=1),
        height=reader.integer("height", None, minimum=1),
        fps=reader.number("fps", None, minimum=0.1),
        **timing,
    )
    reader.finish()
    return screen
