"""The multipart reader (``capture_mjpeg``, ``mjpeg_parts``) against a peer that sends exactly
what ustreamer's ``src/ustreamer/http/server.c`` sends, cut into small TCP writes, and against
its ``advance_headers`` (no Content-Length) and ``zero_data`` modes."""

from __future__ import annotations

import io
import socket
import threading
import time

import cv2
import numpy as np
import pytest

from harness.targets.capture_mjpeg import MjpegStreamScreen
from harness.targets.jpeg_frame import JpegFrame
from harness.targets.mjpeg_parts import StreamFormatError, boundary_of, iter_parts

BOUNDARY = b"boundarydonotcross"
RN = b"\r\n"


def jpeg(colour: tuple[int, int, int], size: tuple[int, int] = (1920, 1080)) -> bytes:
    image = np.zeros((size[1], size[0], 3), np.uint8)
    image[:] = colour
    return cv2.imencode(".jpg", image)[1].tobytes()


def ustreamer_bytes(parts: list[bytes], *, advance: bool = False, extra: bool = False) -> bytes:
    """The answer as ustreamer writes it (``_http_callback_stream_write``)."""
    out = b"".join(
        [
            b"HTTP/1.0 200 OK" + RN,
            b"Cache-Control: no-store, no-cache" + RN,
            b"Set-Cookie: stream_client=0/1; path=/; max-age=30" + RN,
            b"Content-Type: multipart/x-mixed-replace;boundary=" + BOUNDARY + RN + RN,
            b"--" + BOUNDARY + RN,
        ]
    )
    advance_headers = b"Content-Type: image/jpeg" + RN + b"X-Timestamp: 1.000000" + RN + RN
    if advance:
        out += advance_headers
    for data in parts:
        if not advance:
            out += b"Content-Type: image/jpeg" + RN + b"Content-Length: %d" % len(data) + RN
            out += b"X-Timestamp: 1.000000" + RN
            if extra:
                out += b"X-UStreamer-Online: true" + RN + b"X-UStreamer-Width: 1920" + RN
            out += RN
        out += data + RN + b"--" + BOUNDARY + RN
        if advance:
            out += advance_headers
    return out


class UstreamerPeer:
    """A TCP peer sending ``payload`` in ``chunk``-byte writes with a pause between them, so
    the client's reads end in the middle of headers, boundaries and JPEGs."""

    def __init__(self, payload: bytes, chunk: int, pause_s: float = 0.0005) -> None:
        self.payload, self.chunk, self.pause_s = payload, chunk, pause_s
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        connection, _ = self.listener.accept()
        with connection:
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection.recv(65536)  # the request
            for at in range(0, len(self.payload), self.chunk):
                connection.sendall(self.payload[at : at + self.chunk])
                time.sleep(self.pause_s)
            self.done.wait(5)  # keep the connection open: a stream does not end by itself

    def close(self) -> None:
        self.done.set()
        self.thread.join(5)
        self.listener.close()


@pytest.fixture
def colours() -> list[tuple[int, int, int]]:
    return [(0, 0, 200), (0, 200, 0), (200, 0, 0)]


@pytest.mark.parametrize("chunk", [7, 1500, 65536])
def test_parts_split_across_tcp_reads_reach_grab_whole(chunk: int, colours: list) -> None:
    parts = [jpeg(c) for c in colours]
    peer = UstreamerPeer(ustreamer_bytes(parts, extra=True), chunk, 0.0 if chunk == 7 else 0.001)
    screen = MjpegStreamScreen(f"http://127.0.0.1:{peer.port}/stream", stall_timeout_s=20)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            frame = screen.grab()
            if isinstance(frame, JpegFrame) and frame.jpeg == parts[-1]:
                break
            time.sleep(0.01)
        assert isinstance(frame, JpegFrame) and frame.jpeg == parts[-1]
        assert (frame.width, frame.height) == (1920, 1080)
        assert not frame.decoded  # only the preview so far
        mean = frame.image.reshape(-1, 3).mean(axis=0)
        assert np.allclose(mean, colours[-1], atol=3)
    finally:
        screen.close()
        peer.close()


def test_the_parser_reads_every_mode_of_ustreamer() -> None:
    parts = [jpeg((10, 20, 30), (64, 64)), jpeg((40, 50, 60), (64, 64))]
    for mode in ({}, {"extra": True}, {"advance": True}):
        stream = io.BufferedReader(io.BytesIO(ustreamer_bytes(parts, **mode)))
        stream.readline()
        while stream.readline().strip():
            pass  # the HTTP headers, as http.client reads them
        assert list(iter_parts(stream, BOUNDARY)) == parts, mode


def test_zero_data_parts_are_skipped_and_boundary_first_encoders_read() -> None:
    data = jpeg((1, 2, 3), (32, 32))
    body = (
        b"--myboundary"
        + RN
        + b"Content-Type: image/jpeg"
        + RN
        + b"Content-Length: 0"
        + RN
        + RN
        + RN
        + b"--myboundary"
        + RN
        + b"Content-Type: image/jpeg"
        + RN
        + b"Content-Length: %d" % len(data)
        + RN
        + RN
        + data
        + RN
        + b"--myboundary--"
        + RN
    )
    parts = list(iter_parts(io.BufferedReader(io.BytesIO(body)), b"myboundary"))
    assert parts == [data]


@pytest.mark.parametrize(
    ("content_type", "boundary"),
    [
        ("multipart/x-mixed-replace;boundary=boundarydonotcross", b"boundarydonotcross"),
        ('multipart/x-mixed-replace; boundary="--myboundary"', b"myboundary"),
        ("Multipart/X-Mixed-Replace; Boundary=frame; charset=x", b"frame"),
    ],
)
def test_boundary_of(content_type: str, boundary: bytes) -> None:
    assert boundary_of(content_type) == boundary


def test_not_a_stream_is_refused() -> None:
    with pytest.raises(StreamFormatError, match="not a multipart"):
        boundary_of("text/html")
    page = io.BufferedReader(io.BytesIO(b"<html>login</html>\r\n"))
    with pytest.raises(StreamFormatError, match="expected the boundary"):
        list(iter_parts(page, BOUNDARY))


def test_frames_under_1080_lines_come_decoded_without_a_preview(colours: list) -> None:
    parts = [jpeg(colours[0], (1024, 768))]
    peer = UstreamerPeer(ustreamer_bytes(parts), 65536)
    screen = MjpegStreamScreen(f"http://127.0.0.1:{peer.port}/stream", stall_timeout_s=20)
    try:
        frame = screen.grab()
        assert frame.preview is None and frame.image.shape == (768, 1024, 3)
    finally:
        screen.close()
        peer.close()
