"""``python -m bench.fleet --devices 50 [--seconds S] [--size 1920x1080]``: what watching costs.

While ESPs run, one host watches many devices. This serves N simulated devices' 1080p MJPEG
streams from one child process (``bench.fleet_server``: the ESP with moving progress dots and
grabber noise, 10 frames a second each), watches every one from this process with one
``ScreenWatcher`` per device on its own thread - each in the ESP's wait (``wait_for`` the
result screen), as a fleet run waits - and measures this process's CPU time
(``time.process_time``: every thread, capture readers included) over fixed wall-clock windows.
The figure is the median over the windows, in % of one core per watched device, for:

- before: OpenCV's FFmpeg reader (``reader: opencv``: every frame decoded at full resolution)
  and a look every ``poll_interval_s``;
- multipart, fixed pace: the stream read part by part, frames compared on their 1/8 preview,
  a look every ``poll_interval_s``;
- after: the same with the long wait's pace (``harness.flow.pacing``).

The old reader saturates a 2-core host well before 50 devices (the frames pile up), so it is
measured on ``--old-devices`` (10) devices: its figure per device is what it costs when it keeps
up. The server is stopped by its PID. Names the machine (``bench.machine``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.fleet_server import parse_size
from bench.machine import machine_facts
from harness.flow.settings import FlowSettings
from harness.flow.watcher import ScreenWatcher, Sighting
from harness.targets import capture
from harness.targets.target import Target
from harness.vision import ScreenState, Vision
from harness.vision.change import Change


class _Stop(Exception):
    """Ends a watcher's wait when the measurement is over."""


class _NoKeys:
    def press(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("the bench only watches")


class _SharedVision:
    """One Vision for every watcher, one call at a time (its OCR engine is not thread-safe)."""

    def __init__(self, vision: Vision) -> None:
        self._vision = vision
        self._lock = threading.Lock()

    def classify(self, image: Any) -> Any:
        with self._lock:
            return self._vision.classify(image)

    def observe(self, image: Any) -> Any:
        with self._lock:
            return self._vision.observe(image)


@dataclass
class Measured:
    name: str
    devices: int
    cpu_per_device: list[float] = field(default_factory=list)
    """Per window: % of one core per watched device."""
    looks: int = 0
    changed: int = 0
    animated: int = 0
    seconds: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.cpu_per_device) if self.cpu_per_device else float("nan")

    def row(self) -> dict[str, Any]:
        per_device_s = self.seconds * self.devices or 1.0
        return {
            "name": self.name,
            "devices": self.devices,
            "cpu_percent_per_device_median": round(self.median, 3),
            "cpu_percent_per_device_windows": [round(v, 3) for v in self.cpu_per_device],
            "looks_per_device_per_s": round(self.looks / per_device_s, 2),
            "changed": self.changed,
            "animated": self.animated,
        }


def watch(
    name: str,
    urls: list[str],
    *,
    reader: str,
    paced: bool,
    vision: _SharedVision,
    windows: int,
    window_s: float,
    warmup_s: float,
) -> Measured:
    settings = FlowSettings()
    stop = threading.Event()
    result = Measured(name, len(urls))
    lock = threading.Lock()
    first_seen = threading.Semaphore(0)
    screens = [
        capture.create("screen", {"url": url, "reader": reader}, source=f"bench {url}")
        for url in urls
    ]
    measuring = threading.Event()

    def follow(index: int) -> None:
        seen = False

        def see(sighting: Sighting) -> None:
            nonlocal seen
            if not seen:
                seen = True
                first_seen.release()
            if measuring.is_set():
                with lock:
                    result.looks += 1
                    result.changed += sighting.change is Change.CHANGED
                    result.animated += sighting.change is Change.ANIMATED
            if stop.is_set():
                raise _Stop

        target = Target(name=f"device-{index}", screen=screens[index], keyboard=_NoKeys())  # type: ignore[arg-type]
        watcher = ScreenWatcher(
            target,
            vision,  # type: ignore[arg-type]
            settings,
            log=logging.getLogger(f"bench.fleet.{index}"),
            clock=time.monotonic,
            sleep=stop.wait,
        )
        with contextlib.suppress(_Stop):
            watcher.wait_for(
                {ScreenState.SUCCESS}, 1e9, what="result screen", on_sighting=see, paced=paced
            )

    threads = [threading.Thread(target=follow, args=(i,), daemon=True) for i in range(len(urls))]
    try:
        for thread in threads:
            thread.start()
        for _ in urls:  # every device seen and classified once: the waiting starts
            if not first_seen.acquire(timeout=120):
                raise RuntimeError(f"{name}: a device showed no frame within 120 s")
        time.sleep(warmup_s)  # the pace settles to its long-wait value
        measuring.set()
        started = time.monotonic()
        for _ in range(windows):
            cpu0, wall0 = time.process_time(), time.monotonic()
            time.sleep(window_s)
            cpu = time.process_time() - cpu0
            wall = time.monotonic() - wall0
            result.cpu_per_device.append(100.0 * cpu / wall / len(urls))
        result.seconds = time.monotonic() - started
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        for screen in screens:
            screen.close()
    return result


def start_server(
    devices: int, size: tuple[int, int], fps: float
) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    argv = [sys.executable, "-m", "bench.fleet_server", "--devices", str(devices)]
    argv += ["--size", f"{size[0]}x{size[1]}", "--fps", str(fps)]
    server = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    line = server.stdout.readline()
    if not line:
        server.wait(timeout=10)
        raise RuntimeError(f"the stream server exited ({server.returncode}) before serving")
    return server, json.loads(line)


def stop_server(server: subprocess.Popen[str]) -> None:
    server.terminate()  # by its PID: this process started it
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.fleet", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--devices", type=int, default=50, help="watched devices (50)")
    parser.add_argument("--old-devices", type=int, default=10, help="for the old reader (10)")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured per case (30)")
    parser.add_argument("--window", type=float, default=5.0, help="window length, s (5)")
    parser.add_argument("--warmup", type=float, default=25.0, help="before measuring, s (25)")
    parser.add_argument("--size", type=parse_size, default=(1920, 1080))
    parser.add_argument("--fps", type=float, default=10.0, help="stream frame rate (10)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.devices < 1 or args.old_devices < 0 or args.seconds < args.window:
        parser.error("--devices >= 1, --old-devices >= 0, --seconds >= --window")
    logging.basicConfig(level=logging.ERROR)
    facts = machine_facts()
    windows = max(1, round(args.seconds / args.window))
    vision = _SharedVision(Vision())
    server, served = start_server(max(args.devices, args.old_devices), args.size, args.fps)
    urls: list[str] = served["streams"]
    cases = []
    try:
        common = {"vision": vision, "windows": windows, "window_s": args.window}
        if args.old_devices:
            old = urls[: args.old_devices]
            cases.append(
                watch(
                    "before: opencv reader, fixed pace",
                    old,
                    reader="opencv",
                    paced=False,
                    warmup_s=2.0,
                    **common,
                )
            )
        fleet = urls[: args.devices]
        cases.append(
            watch(
                "multipart + preview, fixed pace",
                fleet,
                reader="multipart",
                paced=False,
                warmup_s=2.0,
                **common,
            )
        )
        cases.append(
            watch(
                "after: multipart + preview + paced",
                fleet,
                reader="multipart",
                paced=True,
                warmup_s=args.warmup,
                **common,
            )
        )
    finally:
        stop_server(server)
    print(
        f"machine : {facts['cpu']} (lscpu), nproc {facts['cores']}, "
        f"1-minute load {facts['load_average_1min']} at the start"
    )
    print(
        f"streams : {args.size[0]}x{args.size[1]} MJPEG at {args.fps:g} fps, "
        f"{served['bytes']} bytes a frame, ESP with moving dots"
    )
    print(f"measured: {windows} windows of {args.window:g} s per case, this process's CPU time\n")
    header = f"{'case':38} {'devices':>7} {'% core/device':>14} {'looks/s/dev':>12} {'changed':>8}"
    print(header)
    print("-" * len(header))
    for case in cases:
        row = case.row()
        print(
            f"{case.name:38} {case.devices:7d} {case.median:14.2f} "
            f"{row['looks_per_device_per_s']:12.2f} {case.changed:8d}"
        )
    print(f"\n1-minute load at the end: {machine_facts()['load_average_1min']}")
    if args.json:
        document = {
            "machine": facts,
            "args": vars(args) | {"size": list(args.size)},
            "cases": [case.row() for case in cases],
        }
        Path(args.json).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
