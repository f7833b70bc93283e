"""The fault matrix in CI (tests/fault_matrix.py): every scenario x Windows 10 and 11 x 20 seeds x
key-loss 0 %, 10 %, 30 % gets its one expected verdict, for the expected reason.

The sweep reads the screens with oracle vision (the sim model's own view, the same Observation
types) so it tests the flow's verdict logic in about a minute; every scenario also runs once per
Windows version on rendered frames read by real vision (OCR, QR, colours). Simulated time is
virtual, so the same sweep with two CPU-burning processes beside it gives the same verdicts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.sim.model.scenario import SCENARIOS
from tests.fault_matrix import CASES, SETTINGS, counts_table, run_one, sweep
from tests.flow_sweep import sweep_run


def test_every_scenario_is_in_the_matrix() -> None:
    assert {case.scenario for case in CASES} == set(SCENARIOS)


def test_the_fault_matrix_gives_every_run_its_verdict() -> None:
    outcomes = sweep(workers=2)
    assert len(outcomes) == len(CASES) * 2 * 20 * 3
    table = counts_table(outcomes)
    report = os.environ.get("HARNESS_MATRIX_TABLE")
    if report:
        Path(report).write_text(table + "\n", encoding="utf-8")
    wrong = [outcome for outcome in outcomes if not outcome.right]
    assert not wrong, f"{len(wrong)} runs wrong, e.g. {wrong[:3]}\n{table}"


def _burner() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def test_a_loaded_machine_gives_the_same_verdicts_and_reasons() -> None:
    def verdicts() -> list[tuple[str, str]]:
        return [
            (outcome.verdict, outcome.reason)
            for case in CASES
            for outcome in [run_one(case, 10, 3, 0.1)]
        ]

    quiet = verdicts()
    burners = [_burner(), _burner()]
    try:
        loaded = verdicts()
    finally:
        for burner in burners:
            os.kill(burner.pid, 9)
            burner.wait(timeout=10)
    assert loaded == quiet
    assert [verdict for verdict, _ in quiet] == [case.verdict for case in CASES]


REAL_VISION_CASES = list({case.scenario: case for case in CASES}.values())
"""One case per scenario: the last, so red scenarios are read with their red expectation and
real vision reads the diagnostics page too."""


@pytest.mark.slow
@pytest.mark.parametrize("windows", [10, 11])
@pytest.mark.parametrize("case", REAL_VISION_CASES, ids=lambda case: case.scenario)
def test_every_scenario_with_real_vision_on_rendered_frames(case, windows: int) -> None:  # type: ignore[no-untyped-def]
    run = sweep_run(
        case.scenario,
        windows=windows,
        seed=1,
        expect=case.expect,
        oracle=False,
        settings=SETTINGS,
        overrides=dict(case.overrides),
    )
    assert run.verdict == case.verdict, run.reason
    assert case.reason in run.reason
