"""Many devices on one host: at most ``parallel`` runs at once, one thread per run, each with
its own target and logger (``harness.flow.execute``), all reporting into one ``FleetStatus``.

    runner = FleetRunner(devices, FleetOptions(out_dir=Path("runs"), parallel=4))
    outcomes = runner.run()            # or start(), wait(timeout) in a loop, stop() on Ctrl-C
    for outcome in outcomes:
        print(outcome.device, outcome.verdict, outcome.bundle_dir)

``stop()`` (Ctrl-C) ends every run in flight at its next wait, each with a finished bundle and
the verdict ``error``; the devices not started yet are ``skipped``.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from harness.config.devices import DeviceConfig
from harness.errors import HarnessError
from harness.fleet.hooks import DeviceOutcome, FleetHooks, NoHooks
from harness.fleet.status import FleetStatus
from harness.fleet.targets import build_fleet_target
from harness.flow import FlowRun, execute
from harness.flow.verdicts import verdict_of
from harness.report import RunResult

LOG = logging.getLogger("harness.fleet")

# The run's own progress lines (harness.flow.runner, technician, watcher) that the table shows.
RUN_STARTED = re.compile(r"^run (?P<run_id>[\w.-]+): ")
STEP_CHANGED = re.compile(r"^flow: \S+ -> (?P<phase>\S+)$")
SCREEN_SEEN = re.compile(r"^screen: (?P<screen>\S+) \(")


@dataclass(frozen=True)
class FleetOptions:
    out_dir: Path = Path("runs")
    parallel: int = 4
    sim_pace: float = 1.0
    """Real seconds per simulated-clock second of the simulated devices (0: no real waits)."""


class FleetRunner:
    def __init__(
        self,
        devices: Sequence[DeviceConfig],
        options: FleetOptions | None = None,
        hooks: FleetHooks | None = None,
    ) -> None:
        self.options = options or FleetOptions()
        if self.options.parallel < 1:
            raise ValueError(f"parallel must be at least 1: {self.options.parallel}")
        self.devices = list(devices)
        self.hooks: FleetHooks = hooks or NoHooks()
        self.status = FleetStatus([(device.name, device.windows) for device in self.devices])
        self._stop = threading.Event()
        self._queue: queue.SimpleQueue[DeviceConfig] = queue.SimpleQueue()
        self._outcomes: dict[str, DeviceOutcome] = {}
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._working = 0
        self._all_done = threading.Event()

    # -- control -------------------------------------------------------------------------

    def run(self) -> list[DeviceOutcome]:
        """Every device to its outcome. Ctrl-C stops the runs and is raised once they ended."""
        self.start()
        try:
            while not self.wait(0.2):
                pass
        except KeyboardInterrupt:
            self.stop()
            self.wait()
            raise
        return self.outcomes()

    def start(self) -> None:
        for device in self.devices:
            self._queue.put(device)
        workers = min(self.options.parallel, len(self.devices))
        self._working = workers
        if workers == 0:
            self._all_done.set()
        for number in range(workers):
            thread = threading.Thread(target=self._work, name=f"fleet-{number + 1}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def wait(self, timeout_s: float | None = None) -> bool:
        """True once every run ended (wait at most ``timeout_s``)."""
        # Not Thread.join: a Ctrl-C landing inside join() can mark a running thread as ended
        # (CPython 3.11, bpo-45274's fix releases the lock the thread still holds), and the
        # interpreter would then exit under a run still writing its bundle. An Event is safe.
        if not self._all_done.wait(timeout_s):
            return False
        for thread in self._threads:
            thread.join()  # each is past its last run: only its final bytecodes are left
        return True

    def stop(self) -> None:
        """End the runs in flight at their next wait; start no more."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def outcomes(self) -> list[DeviceOutcome]:
        with self._lock:
            return [self._outcomes[d.name] for d in self.devices if d.name in self._outcomes]

    # -- one thread ----------------------------------------------------------------------

    def _work(self) -> None:
        try:
            while True:
                try:
                    device = self._queue.get_nowait()
                except queue.Empty:
                    return
                outcome = self._device(device)
                with self._lock:
                    self._outcomes[device.name] = outcome
        finally:
            with self._lock:
                self._working -= 1
                if self._working == 0:
                    self._all_done.set()

    def _device(self, device: DeviceConfig) -> DeviceOutcome:
        skip = "not started: the fleet run was stopped" if self._stop.is_set() else None
        if skip is None:
            try:
                skip = self.hooks.before_run(device)
            except HarnessError as problem:  # a rig fault found before the run (health check)
                return self._not_run(device, "error", str(problem))
            except Exception as problem:
                LOG.exception("before_run hook failed for %s", device.name)
                return self._not_run(device, "error", f"before_run hook failed: {problem}")
        if skip is not None:
            return self._not_run(device, "skipped", skip)
        earlier: list[Path] = []
        attempt = 1
        while True:
            outcome = self._attempt(device, attempt)
            retry = False
            if outcome.result is not None:
                try:
                    retry = bool(self.hooks.after_run(device, outcome.result))
                except Exception as problem:
                    LOG.exception("after_run hook failed for %s", device.name)
                    outcome = replace(outcome, reason=f"{outcome.reason} (after_run: {problem})")
            if not (retry and attempt == 1 and not self._stop.is_set()):
                return replace(outcome, earlier_bundles=tuple(earlier))
            if outcome.bundle_dir is not None:
                earlier.append(outcome.bundle_dir)
            attempt += 1

    def _not_run(self, device: DeviceConfig, verdict: str, reason: str) -> DeviceOutcome:
        self.status.progress(device.name, phase="not run")
        self.status.finished(device.name, verdict, reason, ran=False)
        return DeviceOutcome(device.name, verdict, reason, windows=device.windows)

    def _attempt(self, device: DeviceConfig, attempt: int) -> DeviceOutcome:
        name = device.name
        run_ids: list[str] = []

        def progress(message: str) -> None:
            if match := RUN_STARTED.match(message):
                run_ids.append(match["run_id"])
            elif match := STEP_CHANGED.match(message):
                self.status.progress(name, phase=match["phase"])
            elif match := SCREEN_SEEN.match(message):
                self.status.progress(name, screen=match["screen"])

        self.status.started(name, attempt)
        started = time.monotonic()
        result: RunResult | None = None
        try:
            self.status.progress(name, phase="power-on")
            target = build_fleet_target(device, sim_pace=self.options.sim_pace, stop=self._stop)
            with target:
                result = execute(
                    FlowRun(
                        target,
                        device.expectation,
                        self.options.out_dir,
                        device.flow,
                        windows=device.windows,
                        backend=device.backend(),
                        secrets=device.secret_values(),
                        progress=progress,
                    )
                )
            verdict, reason = result.verdict, result.reason
        except (KeyboardInterrupt, Exception) as problem:  # recorded in the bundle, if any
            verdict, reason = verdict_of(problem)
            if not isinstance(problem, HarnessError | KeyboardInterrupt):
                LOG.exception("fleet run of %s", name)
            result = _written_result(self.options.out_dir, run_ids)
            if result is not None:
                verdict, reason = result.verdict, result.reason
        finally:
            duration = time.monotonic() - started
        self.status.finished(name, verdict, reason)
        bundle = getattr(result, "bundle_dir", None) if result is not None else None
        return DeviceOutcome(
            name, verdict, reason, duration, device.windows, bundle, result, attempt
        )


def _written_result(out_dir: Path, run_ids: list[str]) -> RunResult | None:
    """The finished bundle's record of a run that ended by an exception (Ctrl-C)."""
    if not run_ids:
        return None
    path = out_dir / run_ids[0]
    try:
        result = RunResult.load(path / "result.json")
    except (OSError, HarnessError):
        return None
    result.bundle_dir = path  # type: ignore[attr-defined]
    return result
