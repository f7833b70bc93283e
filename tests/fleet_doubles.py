"""Shared pieces of the fleet tests: a clock the test drives, and run records to store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness.report.result import DeviceInfo, Phase, ResultFields, RunResult

START = datetime(2026, 11, 27, 18, 30, tzinfo=UTC)


@dataclass
class SteppedClock:
    """Wall-clock time that moves only when the test says so."""

    now: datetime = field(default=START)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def run_result(
    verdict: str = "passed", *, reason: str = "green as expected", run_id: str = "run-1"
) -> RunResult:
    """A finished run record as ``run_flow`` returns it, ESP sub-phases included."""
    result = RunResult(
        run_id=run_id,
        started_at="2026-11-27T18:30:00+00:00",
        finished_at="2026-11-27T19:12:30.500000+00:00",
        verdict=verdict,  # type: ignore[arg-type]
        reason=reason,
        result="red" if verdict == "failed" else "green",
        error_codes=["0x800705b4"] if verdict == "failed" else [],
        category="tpm-attestation" if verdict == "failed" else None,
        fields=ResultFields(
            profile="Autopilot Pre-provisioning",
            organization="Contoso",
            elapsed_on_screen="00:42:17",
            elapsed_on_screen_s=2537.0,
            elapsed_measured_s=2539.5,
            elapsed_difference_s=2.5,
        ),
        phases=[
            Phase("power-on-to-oobe", 0.0, 41.5, 41.5),
            Phase("provision-to-result", 60.0, 2599.5, 2539.5),
            Phase("esp:device-preparation", 61.0, 900.0, 839.0, "complete"),
            Phase("esp:device-setup", 900.0, 2590.0, 1690.0, "complete"),
            Phase("reseal-to-power-off", 2610.0, None, None, "still running"),
        ],
        device=DeviceInfo(name="laptop-07", backend="capture+ch9329+redfish"),
        harness_version="0.1.0",
        complete=True,
    )
    result.bundle_dir = Path("/srv/runs/laptop-07/run-1")  # type: ignore[attr-defined]
    return result
