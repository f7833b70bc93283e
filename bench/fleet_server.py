"""``python -m bench.fleet_server --devices N``: N simulated devices' MJPEG streams, one process.

Each device is a ``harness.sim.peers.mjpeg_server.MjpegServer`` on its own port, showing the
Windows 10 ESP with its progress dots moving and an HDMI grabber's noise on every frame
(``bench.animation.dots_frames``): what a harness watches for an hour. Encoding 1080p for 50
devices at 10 frames a second would take more cores than the host has, so the frames are
encoded once and sent in turn (each device starting at another one). Prints one JSON line with
the stream URLs when all listen; runs until terminated (the bench stops it by its PID).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import signal
import sys
import threading
from collections.abc import Iterator

import cv2

from bench.animation import dots_frames
from harness.sim.peers.mjpeg_server import MjpegServer


class PreEncodedServer(MjpegServer):
    """An MJPEG server sending already encoded JPEGs in a cycle (the screen is never asked)."""

    def __init__(self, parts: list[bytes], offset: int, fps: float) -> None:
        super().__init__(screen=None, fps=fps)  # type: ignore[arg-type]
        self._parts: Iterator[bytes] = itertools.islice(itertools.cycle(parts), offset, None)
        self._lock = threading.Lock()

    def jpeg(self) -> bytes:
        with self._lock:
            return next(self._parts)


def encoded_frames(size: tuple[int, int], count: int, quality: int) -> list[bytes]:
    params = [cv2.IMWRITE_JPEG_QUALITY, quality]
    return [cv2.imencode(".jpg", image, params)[1].tobytes() for image in dots_frames(size, count)]


def parse_size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    try:
        size = int(width), int(height)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, got {text!r}") from None
    if min(size) < 64:
        raise argparse.ArgumentTypeError(f"too small: {text!r}")
    return size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fleet_server")
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--size", type=parse_size, default=(1920, 1080))
    parser.add_argument("--fps", type=float, default=10.0)
    parser.add_argument("--quality", type=int, default=85)
    args = parser.parse_args(argv)
    parts = encoded_frames(args.size, 20, args.quality)
    servers = [
        PreEncodedServer(parts, index % len(parts), args.fps).start()
        for index in range(args.devices)
    ]
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print(json.dumps({"streams": [f"{s.url}/stream" for s in servers], "bytes": len(parts[0])}))
    sys.stdout.flush()
    with contextlib.suppress(KeyboardInterrupt):
        done.wait()
    for server in servers:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
