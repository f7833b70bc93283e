"""The run as a library function: one logger per run, a bundle that survives a kill at any step."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import threading
from pathlib import Path

import pytest

from harness.flow import FlowRun, execute
from harness.flow.bundle_recorder import BundleRecorder
from harness.flow.sim_limits import sim_flow_settings
from harness.report import write_html_report
from harness.sim.model.clock import VirtualClock
from harness.targets.sim import make_sim_target
from tests.flow_fakes import ViewPainter, ViewVision
from tests.flow_sweep import bundle_run, expectation_for

SUCCESS_STEPS = [
    "power-on",
    "open-options",
    "select-provisioning",
    "check-configuration",
    "provision",
    "read-result",
    "reseal",
]


class _Interleaved:
    """A keyboard that makes two runs take turns at every key press (one thread each)."""

    def __init__(self, inner, turn: threading.Semaphore, other: threading.Semaphore) -> None:  # type: ignore[no-untyped-def]
        self.inner, self.turn, self.other = inner, turn, other

    def press(self, key, hold_s=0.1):  # type: ignore[no-untyped-def]
        self.turn.acquire(timeout=1.0)
        try:
            self.inner.press(key, hold_s)
        finally:
            self.other.release()

    def chord(self, keys, hold_s=0.1):  # type: ignore[no-untyped-def]
        self.inner.chord(keys, hold_s)


def test_two_runs_in_one_process_keep_their_logs_apart(tmp_path: Path) -> None:
    # Before: both runs attached their run.log to the shared "harness" logger, and each log
    # received the other run's lines.
    first, second = threading.Semaphore(1), threading.Semaphore(0)
    results = {}

    def run(name: str, scenario: str, turn, other) -> None:  # type: ignore[no-untyped-def]
        painter = ViewPainter()
        target = make_sim_target(scenario, clock=VirtualClock(), render_bgr=painter)
        target.keyboard = _Interleaved(target.keyboard, turn, other)  # type: ignore[assignment]
        results[name] = execute(
            FlowRun(
                target,
                expectation_for(scenario),
                tmp_path / name,
                sim_flow_settings(60.0),
                ViewVision(painter),  # type: ignore[arg-type]
                windows=10,
            )
        )

    threads = [
        threading.Thread(target=run, args=("a", "success", first, second)),
        threading.Thread(target=run, args=("b", "wrong-profile", second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results["a"].verdict == "passed" and results["b"].verdict == "failed"
    logs = {name: (Path(r.bundle_dir) / "run.log").read_text() for name, r in results.items()}
    for name, other in (("a", "b"), ("b", "a")):
        assert f"run {results[name].run_id}:" in logs[name]
        assert "screen: options" in logs[name]
        assert results[other].run_id not in logs[name], f"{other}'s lines in {name}'s run.log"
    assert "Reseal powered the device off" in logs["a"]
    assert "Reseal" not in logs["b"]


def _killed_at(step_index: int, scenario: str, expect: str | None, out: Path) -> None:
    """In a child process: run, and SIGKILL ourselves when the ``step_index``-th step starts."""
    started = BundleRecorder.step
    count = {"steps": 0}

    def step(self, name):  # type: ignore[no-untyped-def]
        count["steps"] += 1
        if count["steps"] == step_index:
            self.bundle.start_step(name)
            os.kill(os.getpid(), signal.SIGKILL)
        return started(self, name)

    BundleRecorder.step = step  # type: ignore[method-assign]
    bundle_run(out, scenario, expect)


@pytest.mark.parametrize(
    "scenario, expect, step_index",
    [("success", None, index) for index in range(1, len(SUCCESS_STEPS) + 1)]
    + [("tpm-attestation-failure", "red:0x800705b4", 7)],
)
def test_a_run_killed_at_any_step_leaves_a_bundle_the_report_opens(
    tmp_path: Path, scenario: str, expect: str | None, step_index: int
) -> None:
    child = multiprocessing.get_context("fork").Process(
        target=_killed_at, args=(step_index, scenario, expect, tmp_path)
    )
    child.start()
    child.join(timeout=120)
    assert child.exitcode == -signal.SIGKILL
    (bundle,) = tmp_path.iterdir()
    saved = json.loads((bundle / "result.json").read_text())
    assert (saved["verdict"], saved["complete"]) == ("error", False)
    assert len(saved["steps"]) == step_index
    assert all(step["screenshot"] for step in saved["steps"][:-1])
    page = write_html_report(bundle).read_text()
    assert "interrupted" in page
    assert saved["steps"][-1]["name"] in page
