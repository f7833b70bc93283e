"""Capture backend: a real MJPEG-over-HTTP stream read through OpenCV and through the multipart
reader (``capture_mjpeg``); freshness, stall, reconnect."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from harness.errors import ConfigError, NoFrame
from harness.sim.peers.mjpeg_server import MjpegServer
from harness.targets import capture
from harness.targets.capture import CaptureScreen
from harness.targets.events import TargetEventKind
from harness.targets.frame import Frame
from tests.rig_doubles import SolidColourScreen


@pytest.fixture
def screen() -> SolidColourScreen:
    return SolidColourScreen()


@pytest.fixture
def server(screen: SolidColourScreen) -> Iterator[MjpegServer]:
    server = MjpegServer(screen, fps=20).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["multipart", "opencv"])
def capture_screen(server: MjpegServer, request: pytest.FixtureRequest) -> Iterator[CaptureScreen]:
    settings = {
        "url": f"{server.url}/stream",
        "reader": request.param,
        "stall_timeout_s": 1.5,
        "max_frame_age_s": 0.3,
        "open_timeout_s": 1.0,
        "reconnect_max_backoff_s": 0.5,
    }
    screen = capture.create("screen", settings, source="test.yaml: screen")
    try:
        yield screen
    finally:
        screen.close()


def _mean_bgr(frame: Frame) -> tuple[int, int, int]:
    return tuple(round(v) for v in frame.image.reshape(-1, 3).mean(axis=0))  # type: ignore[return-value]


def _wait_for_colour(screen: CaptureScreen, colour: tuple[int, int, int]) -> Frame:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        frame = screen.grab()
        if all(abs(a - b) < 12 for a, b in zip(_mean_bgr(frame), colour, strict=True)):
            return frame
        time.sleep(0.05)
    raise AssertionError(f"never saw {colour}; last {_mean_bgr(frame)}")


def test_stream_frames_arrive(capture_screen: CaptureScreen) -> None:
    frame = _wait_for_colour(capture_screen, (0, 0, 255))
    assert (frame.width, frame.height) == (160, 120)
    assert frame.source.startswith("capture:http://127.0.0.1:")
    assert time.monotonic() - frame.timestamp <= 0.3


def test_grab_follows_the_screen(capture_screen: CaptureScreen, screen: SolidColourScreen) -> None:
    _wait_for_colour(capture_screen, (0, 0, 255))
    screen.colour = (0, 200, 0)
    changed_at = time.monotonic()
    _wait_for_colour(capture_screen, (0, 200, 0))
    assert time.monotonic() - changed_at < 1.0


def test_stalled_stream_raises_no_frame(capture_screen: CaptureScreen, server: MjpegServer) -> None:
    _wait_for_colour(capture_screen, (0, 0, 255))
    server.stall()
    started = time.monotonic()
    with pytest.raises(NoFrame, match="stalled"):
        for _ in range(100):
            capture_screen.grab()
            time.sleep(0.05)
    assert time.monotonic() - started < 3.5


def test_reconnects_after_a_drop(
    capture_screen: CaptureScreen, server: MjpegServer, screen: SolidColourScreen
) -> None:
    _wait_for_colour(capture_screen, (0, 0, 255))
    server.cut()
    time.sleep(0.6)
    screen.colour = (255, 0, 0)
    server.restore()
    _wait_for_colour(capture_screen, (255, 0, 0))
    kinds = [event.kind for event in capture_screen.drain_events()]
    assert TargetEventKind.CONNECTION_LOST in kinds
    assert TargetEventKind.RECONNECTED in kinds
    assert capture_screen.reconnects >= 1


@pytest.mark.parametrize("reader", ["multipart", "opencv"])
def test_source_that_never_opens_raises_no_frame(reader: str) -> None:
    screen = capture.create(
        "screen",
        {
            "url": "http://127.0.0.1:9/stream",
            "reader": reader,
            "stall_timeout_s": 0.5,
            "open_timeout_s": 0.3,
        },
        source="test.yaml: screen",
    )
    try:
        with pytest.raises(NoFrame, match="no frame at all"):
            screen.grab()
    finally:
        screen.close()


def test_device_settings_default_to_the_native_api() -> None:
    screen = capture.create(
        "screen", {"device": 0, "fourcc": "MJPG", "width": 1920, "fps": 30}, source="t"
    )
    assert screen.api == capture.default_device_api() == "v4l2"
    assert screen.source == 0 and screen.fourcc == "MJPG"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "exactly one of device"),
        ({"device": 0, "url": "http://x/stream"}, "exactly one of device"),
        ({"device": 0, "fourcc": "MJPEG"}, "4 characters"),
        ({"device": 0, "api": "gstreamer"}, "expected one of"),
        ({"device": 0, "colour": "yes"}, "unknown setting"),
        ({"device": 0, "stall_timeout_s": "10"}, "expected a number"),
        ({"device": 0, "reader": "multipart"}, "http:// or https://"),
        ({"url": "rtsp://x/s", "reader": "multipart"}, "http:// or https://"),
        ({"url": "http://x/s", "reader": "multipart", "fps": 5}, "reader: opencv only"),
    ],
)
def test_bad_settings(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        capture.create("screen", settings, source="lab.yaml: screen")


def test_http_urls_default_to_the_multipart_reader() -> None:
    from harness.targets.capture_mjpeg import MjpegStreamScreen

    stream = capture.create("screen", {"url": "http://u:secret@kvm:8080/stream"}, source="t")
    assert isinstance(stream, MjpegStreamScreen)
    assert "secret" not in stream.label and stream.label == "capture:http://kvm:8080/stream"
    with_api = capture.create("screen", {"url": "http://kvm/stream", "api": "ffmpeg"}, source="t")
    assert not isinstance(with_api, MjpegStreamScreen)
    rtsp = capture.create("screen", {"url": "rtsp://cam/stream"}, source="t")
    assert not isinstance(rtsp, MjpegStreamScreen)
