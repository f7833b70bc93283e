"""What the fleet store hands back: plain, typed records (no database session attached)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from harness.fleet.db.models import PhaseRow, RunRow

if TYPE_CHECKING:  # the report package pulls in vision (a second at start): types only
    from harness.report.result import Phase, RunResult

ESP_PREFIX = "esp:"
"""The flow names ESP sub-phases ``esp:<name>`` (``esp:device-setup``); they are stored with
``parent`` = ``esp`` so a trend query can pick them without parsing names."""


@dataclass(frozen=True)
class PhaseRecord:
    name: str
    parent: str | None
    start_s: float
    end_s: float | None
    duration_s: float | None
    detail: str


@dataclass(frozen=True)
class RunRecord:
    id: int
    run_id: str
    device: str
    host: str
    attempt: int
    facts: dict[str, str]
    verdict: str
    reason: str
    result: str
    error_codes: list[str]
    category: str | None
    elapsed_on_screen: str | None
    elapsed_on_screen_s: float | None
    elapsed_measured_s: float | None
    elapsed_difference_s: float | None
    harness_version: str
    bundle: str | None
    started: datetime
    ended: datetime | None
    phases: list[PhaseRecord] = field(default_factory=list)
    task_id: str | None = None
    trigger: str | None = None

    @property
    def esp_phases(self) -> list[PhaseRecord]:
        return [phase for phase in self.phases if phase.parent == "esp"]


@dataclass(frozen=True)
class DeviceStatus:
    """One row of ``harness fleet status``."""

    device: str
    health_ok: bool | None
    """None: never checked."""
    health_reason: str
    health_checked_at: datetime | None
    quarantined: bool
    quarantine_reason: str
    consecutive_errors: int
    lease_holder: str | None
    lease_expires_at: datetime | None
    lease_expired: bool
    last_verdict: str | None
    last_run_ended: datetime | None


def run_row(
    result: RunResult,
    *,
    device: str,
    host: str,
    facts: dict[str, str],
    started: datetime,
    ended: datetime | None,
    attempt: int,
    task_id: str | None = None,
    trigger: str | None = None,
) -> RunRow:
    fields = result.fields
    bundle = getattr(result, "bundle_dir", None)  # set by run_flow, not part of result.json
    return RunRow(
        run_id=result.run_id,
        device=device,
        host=host,
        attempt=attempt,
        facts={str(key): str(value) for key, value in facts.items()},
        verdict=result.verdict,
        reason=result.reason,
        result=result.result,
        error_codes=list(result.error_codes),
        category=result.category,
        elapsed_on_screen=fields.elapsed_on_screen,
        elapsed_on_screen_s=fields.elapsed_on_screen_s,
        elapsed_measured_s=fields.elapsed_measured_s,
        elapsed_difference_s=fields.elapsed_difference_s,
        harness_version=result.harness_version,
        bundle=None if bundle is None else str(bundle),
        started=started,
        ended=ended,
        task_id=task_id,
        trigger=trigger,
        phases=[phase_row(position, phase) for position, phase in enumerate(result.phases)],
    )


def phase_row(position: int, phase: Phase) -> PhaseRow:
    parent = "esp" if phase.name.startswith(ESP_PREFIX) else None
    return PhaseRow(
        position=position,
        name=phase.name,
        parent=parent,
        start_s=phase.start,
        end_s=phase.end,
        duration_s=phase.duration_s,
        detail=phase.detail,
    )


def run_record(row: RunRow) -> RunRecord:
    phases = [
        PhaseRecord(p.name, p.parent, p.start_s, p.end_s, p.duration_s, p.detail)
        for p in row.phases
    ]
    return RunRecord(
        id=row.id,
        run_id=row.run_id,
        device=row.device,
        host=row.host,
        attempt=row.attempt,
        facts=dict(row.facts),
        verdict=row.verdict,
        reason=row.reason,
        result=row.result,
        error_codes=list(row.error_codes),
        category=row.category,
        elapsed_on_screen=row.elapsed_on_screen,
        elapsed_on_screen_s=row.elapsed_on_screen_s,
        elapsed_measured_s=row.elapsed_measured_s,
        elapsed_difference_s=row.elapsed_difference_s,
        harness_version=row.harness_version,
        bundle=row.bundle,
        started=row.started,
        ended=row.ended,
        phases=phases,
        task_id=row.task_id,
        trigger=row.trigger,
    )
