"""One call runs the technician flow: a target and an expectation in, a run bundle out.

    from harness.flow import Expectation, FlowSettings, run_flow
    expectation = Expectation(result="red", codes=("0x800705b4",))
    result = run_flow(target, expectation, out_dir=Path("runs"))
    print(result.verdict, result.reason, result.bundle_dir)

No global state: a fleet can call this from many threads or workers, one target each.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from harness.errors import ConfigError, HarnessError, Interrupted, RigError, UsageError
from harness.flow.bundle_recorder import BundleRecorder
from harness.flow.expectation import Expectation
from harness.flow.outcome import DeviceFailure
from harness.flow.settings import FlowSettings
from harness.flow.technician import TechnicianFlow
from harness.report import RunBundle, RunResult
from harness.targets.target import Target
from harness.vision import Vision

log = logging.getLogger("harness")


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
) -> RunResult:
    """Run the technician flow on ``target``; return the finished run record.

    The bundle is written as the run goes; whatever happens (a rig fault, Ctrl-C, a bug), it is
    finalised with one verdict. ``result.bundle_dir`` is set to the bundle's folder.
    """
    expectation = expectation or Expectation()
    settings = settings or FlowSettings()
    vision = vision or Vision(windows=windows)
    bundle = RunBundle(Path(out_dir), name_parts=name_parts or (target.name,))
    for secret in secrets:
        bundle.register_secret(secret)
    if log.level == logging.NOTSET:
        # The harness's own logger speaks at INFO: the run log and progress need the steps.
        log.setLevel(logging.INFO)
    bundle.attach_logging(log)
    handler = _ProgressHandler(progress) if progress else None
    if handler:
        log.addHandler(handler)
    try:
        # Facts that repeat a device field would show twice in the report.
        facts = {k: v for k, v in target.facts.items() if k not in ("backend", "windows", "name")}
        bundle.set_device(name=target.name, backend=backend, windows=windows, facts=facts)
        bundle.set_expectation(expectation.to_dict())
        flow = TechnicianFlow(
            target, vision, expectation, settings, BundleRecorder(bundle), windows=windows
        )
        log.info("run %s: %s, expecting %s", bundle.run_id, target.name, expectation.describe())
        try:
            outcome = flow.run()
            bundle.finalise("passed", outcome.reason)
        except DeviceFailure as failure:
            bundle.finalise("failed", failure.reason)
        except KeyboardInterrupt:
            bundle.finalise("error", "interrupted by the operator (Ctrl-C)")
            raise
        except Interrupted as problem:
            bundle.finalise("error", f"interrupted: {problem}")
        except RigError as problem:
            bundle.finalise("error", f"rig problem ({type(problem).__name__}): {problem}")
        except (ConfigError, UsageError) as problem:
            bundle.finalise("error", f"configuration error during the run: {problem}")
            raise
        except HarnessError as problem:
            bundle.finalise("error", f"{type(problem).__name__}: {problem}")
        except Exception as problem:  # a bug in the harness must not pass for a device failure
            log.exception("harness bug")
            bundle.finalise("error", f"harness bug ({type(problem).__name__}): {problem}")
        if bundle.result.device is not None and flow.windows is not None:
            bundle.result.device.windows = flow.windows
            bundle.write()
        log.info("verdict: %s - %s", bundle.result.verdict, bundle.result.reason)
    finally:
        if handler:
            log.removeHandler(handler)
        bundle.close()
    result = bundle.result
    result.bundle_dir = bundle.path  # type: ignore[attr-defined]
    return result


class _ProgressHandler(logging.Handler):
    def __init__(self, sink: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self._sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self._sink(record.getMessage())
