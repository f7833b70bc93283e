"""``harness worker``: the Celery nodes of one rig host, kept running, stopped by PID.

One node process per device of the host (``celery_node``: the device's queue, solo pool), plus
beat with ``--beat``. A node that dies (SIGKILL, a crash) is started again after a pause; the new
node reaps the run the old one left. SIGTERM/SIGINT stop every node: SIGTERM (Celery's warm
shutdown: a running run finishes) and, after ``stop_timeout_s``, SIGKILL.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

log = logging.getLogger(__name__)

RESTART_PAUSE_S = 1.0


@dataclass
class Child:
    name: str
    argv: list[str]
    device: str | None = None
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    died_at: float | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv)
        self.died_at = None
        log.info("started %s (pid %d)", self.name, self.process.pid)


@dataclass
class HostSupervisor:
    lab_path: Path
    host: str
    devices: list[str]
    beat_state: Path | None = None
    stop_timeout_s: float = 60.0
    children: list[Child] = field(default_factory=list)
    _stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        python = [sys.executable, "-m"]
        lab = str(self.lab_path)
        for device in self.devices:
            argv = [*python, "harness.fleet.celery_node", lab, self.host, device]
            self.children.append(Child(f"node {device}@{self.host}", argv, device))
        if self.beat_state is not None:
            argv = [*python, "harness.fleet.celery_beat", lab, str(self.beat_state)]
            self.children.append(Child("beat", argv))

    def run(self) -> int:
        previous = {
            sig: signal.signal(sig, self._on_stop) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            for child in self.children:
                child.start()
            while not self._stopping.wait(0.2):
                self._restart_dead()
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0

    def _on_stop(self, signum: int, frame: FrameType | None) -> None:
        self._stopping.set()

    def _restart_dead(self) -> None:
        now = time.monotonic()
        for child in self.children:
            assert child.process is not None
            code = child.process.poll()
            if code is None:
                continue
            if code == 3:  # a configuration error: starting it again would fail again
                log.error("%s refused its configuration; not restarted", child.name)
                self._stopping.set()
                return
            if child.died_at is None:
                child.died_at = now
                log.warning("%s (pid %d) ended with %d", child.name, child.process.pid, code)
                if child.device is not None:
                    self._reap(child.device)
            elif now - child.died_at >= RESTART_PAUSE_S:
                child.restarts += 1
                child.start()

    def _reap(self, device: str) -> None:
        """The run a dead node left, finalised now rather than when its successor is up."""
        from harness.fleet.celery_lab import load_fleet_lab
        from harness.fleet.celery_liveness import reap_device
        from harness.fleet.celery_store_hooks import store_hooks

        lab = load_fleet_lab(self.lab_path)
        with store_hooks(lab) as hooks:
            reap_device(
                lab.bundles, device, host=self.host, ttl_s=lab.fleet.lease_ttl_s, hooks=hooks
            )

    def _stop_all(self) -> None:
        running = [c.process for c in self.children if c.process and c.process.poll() is None]
        for process in running:
            os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout_s
        for process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning(
                    "pid %d did not stop in %.0f s: SIGKILL", process.pid, self.stop_timeout_s
                )
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
