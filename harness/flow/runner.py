"""One call runs the technician flow: a run's configuration in, a run bundle out.

    from harness.flow import Expectation, FlowRun, execute, run_flow
    expectation = Expectation(result="red", codes=("0x800705b4",))
    result = run_flow(target, expectation, out_dir=Path("runs"))
    result = execute(FlowRun(target, expectation, out_dir=Path("runs")))   # the same
    print(result.verdict, result.reason, result.bundle_dir)

No global state: a fleet can call this from many threads or workers, one target each. Each run
logs to a logger of its own (``harness.run.<run id>``, propagating to ``harness``), and its
``run.log`` takes that logger's records plus what the harness's modules log in the run's own
thread, so two runs in one process never write into each other's log.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import ConfigError, HarnessError, UsageError
from harness.flow.bundle_recorder import BundleRecorder
from harness.flow.clock import clock_of
from harness.flow.expectation import Expectation
from harness.flow.intune_steps import after_result
from harness.flow.outcome import DeviceFailure
from harness.flow.settings import FlowSettings
from harness.flow.technician import TechnicianFlow
from harness.flow.verdicts import verdict_of
from harness.intune.session import IntuneSession
from harness.report import RunBundle, RunResult
from harness.targets.target import Target
from harness.vision import Vision

HARNESS_LOGGER = "harness"


@dataclass
class FlowRun:
    """Everything one run needs."""

    target: Target
    expectation: Expectation = field(default_factory=Expectation)
    out_dir: Path = Path("runs")
    settings: FlowSettings = field(default_factory=FlowSettings)
    vision: Vision | None = None
    windows: int | None = None
    backend: str = ""
    name_parts: Sequence[str] = ()
    secrets: Sequence[str] = ()
    progress: Callable[[str], None] | None = None
    intune: IntuneSession | None = None
    """Check and change the device in Intune (docs/intune.md); None: no Intune."""


def run_flow(
    target: Target,
    expectation: Expectation | None = None,
    *,
    out_dir: Path = Path("runs"),
    settings: FlowSettings | None = None,
    vision: Vision | None = None,
    windows: int | None = None,
    backend: str = "",
    name_parts: Sequence[str] = (),
    secrets: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
    intune: IntuneSession | None = None,
) -> RunResult:
    """Run the technician flow on ``target``; return the finished run record (see ``execute``)."""
    return execute(
        FlowRun(
            target,
            expectation or Expectation(),
            Path(out_dir),
            settings or FlowSettings(),
            vision,
            windows,
            backend,
            name_parts,
            secrets,
            progress,
            intune,
        )
    )


def execute(run: FlowRun) -> RunResult:
    """Run the flow; the bundle is written as the run goes and, whatever happens (a rig fault,
    Ctrl-C, a bug), finalised with one verdict. ``result.bundle_dir`` is the bundle's folder."""
    target = run.target
    clock = clock_of(target)
    bundle = RunBundle(
        run.out_dir, name_parts=run.name_parts or (target.name,), monotonic_start=clock.monotonic()
    )
    for secret in run.secrets:
        bundle.register_secret(secret)
    if run.intune is not None:
        # The app's secret now, every token as it is obtained: masked before anything is written.
        run.intune.set_masker(bundle.register_secret)
        run.intune.set_sleep(clock.sleep)
    log = run_logger(bundle.run_id)
    run_log = bundle.attach_logging(logging.getLogger(HARNESS_LOGGER))
    run_log.addFilter(ThisRun(log.name, threading.get_ident()))
    progress = _ProgressHandler(run.progress) if run.progress else None
    if progress:
        log.addHandler(progress)
    try:
        # Facts that repeat a device field would show twice in the report.
        facts = {k: v for k, v in target.facts.items() if k not in ("backend", "windows", "name")}
        bundle.set_device(name=target.name, backend=run.backend, windows=run.windows, facts=facts)
        bundle.set_expectation(run.expectation.to_dict())
        flow = TechnicianFlow(
            target,
            run.vision or Vision(windows=run.windows),
            run.expectation,
            run.settings,
            BundleRecorder(bundle, clock.monotonic),
            windows=run.windows,
            clock=clock.monotonic,
            sleep=clock.sleep,
            log=log,
            intune=run.intune,
        )
        log.info("run %s: %s, expecting %s", bundle.run_id, target.name, run.expectation.describe())
        try:
            verdict, reason = judge(flow, log)
        except BaseException as problem:  # Ctrl-C, a configuration error: recorded, then raised
            bundle.finalise(*verdict_of(problem))  # type: ignore[arg-type]
            raise
        if run.intune is not None:
            after_result(run.intune, flow.ctx.evidence.result_seen, flow.ctx.recorder)
            bundle.write_attachment("intune.json", run.intune.report)
        bundle.finalise(verdict, reason)  # type: ignore[arg-type]
        if bundle.result.device is not None and flow.windows is not None:
            bundle.result.device.windows = flow.windows
            bundle.write()
        log.info("verdict: %s - %s", bundle.result.verdict, bundle.result.reason)
    finally:
        if progress:
            log.removeHandler(progress)
        bundle.close()
    result = bundle.result
    result.bundle_dir = bundle.path  # type: ignore[attr-defined]
    return result


def judge(flow: TechnicianFlow, log: logging.Logger) -> tuple[str, str]:
    """Run ``flow`` to its verdict and reason. Configuration and usage errors, Ctrl-C and
    other BaseExceptions propagate (the caller records them)."""
    try:
        return "passed", flow.run().reason
    except (ConfigError, UsageError):
        raise
    except Exception as problem:
        if not isinstance(problem, HarnessError | DeviceFailure):
            log.exception("harness bug")
        return verdict_of(problem)


def run_logger(run_id: str) -> logging.Logger:
    """A logger of this run only: not registered in ``logging``'s global table (a fleet makes
    thousands), propagating to the ``harness`` logger so the CLI's handlers still see it."""
    log = logging.Logger(f"{HARNESS_LOGGER}.run.{run_id}", logging.INFO)
    log.parent = logging.getLogger(HARNESS_LOGGER)
    return log


class ThisRun(logging.Filter):
    """Lets through the run's own records, and module records logged in the run's thread."""

    def __init__(self, run_logger_name: str, thread: int) -> None:
        super().__init__()
        self._name = run_logger_name
        self._thread = thread

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == self._name:
            return True
        own_run = record.name.startswith(f"{HARNESS_LOGGER}.run.")
        return not own_run and record.thread == self._thread


class _ProgressHandler(logging.Handler):
    def __init__(self, sink: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self._sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self._sink(record.getMessage())
