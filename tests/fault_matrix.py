"""The fault matrix: every simulated scenario x Windows 10 and 11 x seeds x key-loss rates, each
with the one verdict it must get. Shared by the matrix tests and by ``python -m
tests.fault_matrix`` (which prints the counts table of docs/reliability.md).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from harness.flow.sim_limits import sim_flow_settings
from tests.flow_sweep import TIME_SCALE, sweep_run


@dataclass(frozen=True)
class Case:
    scenario: str
    verdict: str
    reason: str
    """A text the reason must contain: the verdict is right for the right cause."""
    expect: str | None = None
    """``--expect`` form; None: the scenario's intended green result and details."""
    overrides: tuple[tuple[str, object], ...] = ()

    @property
    def label(self) -> str:
        return f"{self.scenario} (expect {self.expect})" if self.expect else self.scenario


QUICK_TIMEOUT = (("esp_timeout_s", 1200.0),)
"""The device's own ESP timeout in the sweep: 20 simulated minutes, not 60 (same screens)."""

CASES = (
    Case("success", "passed", "Reseal powered the device off (power state)"),
    Case("tpm-attestation-failure", "failed", "expected a green result, the device showed red"),
    Case(
        "tpm-attestation-failure", "passed", "red result as expected (0x800705b4)", "red:0x800705b4"
    ),
    Case(
        "esp-timeout",
        "failed",
        "expected a green result, the device showed red",
        None,
        QUICK_TIMEOUT,
    ),
    Case("esp-timeout", "passed", "red result as expected (0x800705b4)", "red", QUICK_TIMEOUT),
    Case("reenrollment-blocked", "failed", "expected a green result, the device showed red"),
    Case("reenrollment-blocked", "passed", "red result as expected", "red:0x80180014"),
    Case("reseal-no-poweroff", "failed", "Reseal did not power the device off"),
    Case("lost-keys", "passed", "Reseal powered the device off"),
    Case("frozen-screen", "error", "FrozenCapture"),
    Case("wrong-profile", "failed", "configuration screen shows profile"),
    Case("reboot-during-esp", "passed", "Reseal powered the device off"),
    Case("update-error", "failed", "Windows showed 'Something went wrong'"),
    Case("stuck-esp", "failed", "the ESP did not finish within"),
    Case("capture-frozen", "error", "the capture stalled"),
    Case("capture-cut", "passed", "Reseal powered the device off"),
    Case("power-unreadable", "passed", "screen black or without signal"),
    Case("reseal-key-lost", "passed", "Reseal powered the device off"),
)
WINDOWS = (10, 11)
SEEDS = tuple(range(20))
LOSS_RATES = (0.0, 0.1, 0.3)
SETTINGS = sim_flow_settings(TIME_SCALE).replace(
    esp_timeout_s=1800.0 / TIME_SCALE, poweroff_timeout_s=600.0 / TIME_SCALE
)
"""The simulator's limits with a 30-minute ESP limit and a 10-minute power-off limit (simulated):
long enough for every scenario's own timing, short enough that a sweep of thousands of runs
takes a minute. The real-vision runs keep the full limits."""


@dataclass(frozen=True)
class Outcome:
    case: Case
    windows: int
    seed: int
    loss: float
    verdict: str
    reason: str

    @property
    def right(self) -> bool:
        return self.verdict == self.case.verdict and self.case.reason in self.reason


def run_one(case: Case, windows: int, seed: int, loss: float) -> Outcome:
    run = sweep_run(
        case.scenario,
        windows=windows,
        seed=seed,
        loss=loss,
        expect=case.expect,
        settings=SETTINGS,
        overrides=dict(case.overrides),
    )
    return Outcome(case, windows, seed, loss, run.verdict, run.reason)


def _run_chunk(cells: list[tuple[Case, int, int, float]]) -> list[Outcome]:
    return [run_one(*cell) for cell in cells]


def sweep(
    cases: Iterable[Case] = CASES,
    *,
    windows: Iterable[int] = WINDOWS,
    seeds: Iterable[int] = SEEDS,
    losses: Iterable[float] = LOSS_RATES,
    workers: int = 1,
) -> list[Outcome]:
    """Every cell of the matrix; with ``workers`` > 1 in that many processes (virtual time:
    the outcome of a cell does not depend on which process runs it, or how fast)."""
    cells = [(c, w, s, loss) for c in cases for w in windows for s in seeds for loss in losses]
    if workers <= 1:
        return _run_chunk(cells)
    chunks = [cells[index::workers] for index in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [outcome for chunk in pool.map(_run_chunk, chunks) for outcome in chunk]


def counts_table(outcomes: list[Outcome]) -> str:
    """Markdown: per case and loss rate, how many runs got which verdict."""
    table: dict[tuple[str, float], Counter[str]] = {}
    for outcome in outcomes:
        table.setdefault((outcome.case.label, outcome.loss), Counter())[outcome.verdict] += 1
    losses = sorted({outcome.loss for outcome in outcomes})
    head = "| case | expected | " + " | ".join(f"loss {loss:.0%}" for loss in losses) + " |"
    lines = [head, "|---|---|" + "---|" * len(losses)]
    for case in dict.fromkeys(outcome.case for outcome in outcomes):
        cells = []
        for loss in losses:
            counter = table.get((case.label, loss), Counter())
            cells.append(", ".join(f"{n} {verdict}" for verdict, n in sorted(counter.items())))
        lines.append(f"| {case.label} | {case.verdict} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    results = sweep(workers=int(os.environ.get("MATRIX_WORKERS", "2")))
    print(counts_table(results))
    wrong = [outcome for outcome in results if not outcome.right]
    print(f"\n{len(results)} runs, {len(wrong)} with another verdict or reason")
    for outcome in wrong[:20]:
        print(outcome)
    sys.exit(1 if wrong else 0)
