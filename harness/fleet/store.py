"""``FleetStore``: the one interface the fleet runner calls for the runs database.

    store = FleetStore.open("sqlite:////srv/fleet.db")      # or postgresql+psycopg://...
    with store.lease("laptop-07", holder=default_holder(), ttl_s=900) as lease:
        report = check_health(target)
        store.record_health("laptop-07", report.ok, report.reason)
        ...
        store.record_run("laptop-07", host, facts, result, started, ended)

Safe to share between threads (each call takes its own connection) and to open from many
processes and hosts at once (leases: ``harness.fleet.leases``). ``clock`` returns an aware UTC
``datetime``; tests inject one to drive lease expiry without sleeping.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, selectinload

from harness.fleet import leases
from harness.fleet.db.engine import open_engine
from harness.fleet.db.models import DeviceRow, HealthCheckRow, LeaseRow, RunRow
from harness.fleet.db.upsert import insert_unless_present
from harness.fleet.lease import Lease, LeaseBusy, LeaseLost
from harness.fleet.policy import QuarantineRule, counts_as_rig_error
from harness.fleet.records import DeviceStatus, RunRecord, run_record, run_row

if TYPE_CHECKING:  # the report package pulls in vision (a second at start): types only
    from harness.report.result import RunResult

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def default_holder() -> str:
    """``host:pid``: who holds a lease, readable in ``harness fleet status``."""
    return f"{socket.gethostname()}:{os.getpid()}"


class FleetStore:
    def __init__(
        self, engine: Engine, *, clock: Clock = utc_now, quarantine: QuarantineRule | None = None
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.quarantine_rule = quarantine or QuarantineRule()

    @classmethod
    def open(
        cls, url: str, *, clock: Clock = utc_now, quarantine: QuarantineRule | None = None
    ) -> FleetStore:
        """Open (and migrate to the newest schema) the database at ``url``."""
        return cls(open_engine(url), clock=clock, quarantine=quarantine)

    def close(self) -> None:
        self.engine.dispose()

    # -- runs -----------------------------------------------------------------------------------

    def record_run(
        self,
        device_name: str,
        host: str,
        facts: Mapping[str, str],
        result: RunResult,
        started: datetime | None = None,
        ended: datetime | None = None,
        *,
        attempt: int = 1,
        task_id: str | None = None,
        trigger: str | None = None,
    ) -> int:
        """Store one finished run (default times: the record's ``started_at``/``finished_at``)
        and apply the quarantine rule; returns the run's row id. A run with a ``task_id`` is
        stored once: recording the same task again returns the first row and changes nothing."""
        started = started or datetime.fromisoformat(result.started_at)
        if ended is None and result.finished_at:
            ended = datetime.fromisoformat(result.finished_at)
        row = run_row(
            result,
            device=device_name,
            host=host,
            facts=dict(facts),
            started=started,
            ended=ended,
            attempt=attempt,
            task_id=task_id,
            trigger=trigger,
        )
        with Session(self.engine) as session, session.begin():
            if task_id is not None:
                known = session.scalar(select(RunRow.id).where(RunRow.task_id == task_id))
                if known is not None:
                    return known
            session.add(row)
            device = self._device(session, device_name)
            if counts_as_rig_error(result.verdict):
                device.consecutive_errors += 1
                if self.quarantine_rule.trips(device.consecutive_errors) and not device.quarantined:
                    reason = self.quarantine_rule.reason(device.consecutive_errors, result.reason)
                    self._set_quarantine(device, reason)
            else:
                device.consecutive_errors = 0
            session.flush()
            return row.id

    def runs(self, device: str | None = None, *, limit: int = 100) -> list[RunRecord]:
        """The newest runs first, of one device or of all."""
        query = select(RunRow).options(selectinload(RunRow.phases)).order_by(RunRow.id.desc())
        if device is not None:
            query = query.where(RunRow.device == device)
        with Session(self.engine) as session:
            return [run_record(row) for row in session.scalars(query.limit(limit))]

    # -- health and quarantine ------------------------------------------------------------------

    def record_health(self, device: str, ok: bool, reason: str = "") -> None:
        """Store a health check; a failed one quarantines the device with its reason."""
        now = self.clock()
        with Session(self.engine) as session, session.begin():
            session.add(HealthCheckRow(device=device, ok=ok, reason=reason, checked_at=now))
            row = self._device(session, device)
            row.health_ok, row.health_reason, row.health_checked_at = ok, reason, now
            if not ok:
                self._set_quarantine(row, f"health check failed: {reason}")

    def quarantine(self, device: str, reason: str) -> None:
        with Session(self.engine) as session, session.begin():
            self._set_quarantine(self._device(session, device), reason)

    def release(self, device: str) -> None:
        """Lift the quarantine and start the rig-error count again (after a passing recheck)."""
        with Session(self.engine) as session, session.begin():
            row = self._device(session, device)
            row.quarantined, row.quarantine_reason, row.quarantined_at = False, "", None
            row.consecutive_errors = 0

    def is_quarantined(self, device: str) -> bool:
        with Session(self.engine) as session:
            row = session.get(DeviceRow, device)
            return row is not None and row.quarantined

    def quarantined_devices(self) -> list[str]:
        with Session(self.engine) as session:
            query = select(DeviceRow.name).where(DeviceRow.quarantined).order_by(DeviceRow.name)
            return list(session.scalars(query))

    def consecutive_errors(self, device: str) -> int:
        with Session(self.engine) as session:
            row = session.get(DeviceRow, device)
            return 0 if row is None else row.consecutive_errors

    def status(self, devices: Iterable[str] | None = None) -> list[DeviceStatus]:
        """One row per device: the ``devices`` named (known to the database or not), else every
        device the database knows; sorted by name."""
        now = self.clock()
        with Session(self.engine) as session:
            known = {row.name: row for row in session.scalars(select(DeviceRow))}
            held = {row.device: row for row in session.scalars(select(LeaseRow))}
            newest = select(func.max(RunRow.id)).group_by(RunRow.device)
            last = {
                row.device: row
                for row in session.scalars(select(RunRow).where(RunRow.id.in_(newest)))
            }
        names = sorted(set(devices) if devices is not None else set(known) | set(held) | set(last))
        return [
            _status(name, known.get(name), held.get(name), last.get(name), now) for name in names
        ]

    # -- leases ---------------------------------------------------------------------------------

    def acquire_lease(self, device: str, holder: str, ttl_s: float) -> Lease | None:
        """The device's lease for ``ttl_s`` seconds, or None while another holder has it."""
        if not ttl_s > 0:
            raise ValueError(f"a lease needs a ttl > 0 s, got {ttl_s}")
        if not holder:
            raise ValueError("a lease needs a holder name (default_holder() gives host:pid)")
        with self.engine.begin() as connection:
            state = leases.try_acquire(connection, device, holder, self.clock(), ttl_s)
        return None if state is None else Lease(state, self)

    @contextmanager
    def lease(self, device: str, holder: str, ttl_s: float) -> Iterator[Lease]:
        """``acquire_lease`` as a context manager; ``LeaseBusy`` when the device is taken."""
        lease = self.acquire_lease(device, holder, ttl_s)
        if lease is None:
            raise LeaseBusy(
                f"{device} is leased by {self.lease_holder(device) or 'another worker'}"
            )
        with lease:
            yield lease

    def renew_lease(self, lease: Lease, ttl_s: float) -> Lease:
        now = self.clock()
        with self.engine.begin() as connection:
            if not leases.renew(connection, lease.state, now, ttl_s):
                holder = self._holder(connection, lease.device) or "nobody"
                raise LeaseLost(
                    f"{lease.device}: the lease of {lease.holder} (token {lease.token}) was "
                    f"taken over or released; now held by {holder}"
                )
            state = leases.current(connection, lease.device)
        assert state is not None
        return Lease(state, self)

    def release_lease(self, lease: Lease) -> bool:
        with self.engine.begin() as connection:
            return leases.release(connection, lease.state)

    def release_lease_of(self, device: str, holder: str) -> bool:
        """Free the device if ``holder`` has its lease: a reaper finishing a dead worker's run
        holds no ``Lease`` object, only the holder's name."""
        with self.engine.begin() as connection:
            state = leases.current(connection, device)
            if state is None or state.holder != holder:
                return False
            return leases.release(connection, state)

    def lease_holder(self, device: str) -> str | None:
        """Who holds the device's lease, expired or not (None: nobody)."""
        with self.engine.connect() as connection:
            return self._holder(connection, device)

    # -- helpers --------------------------------------------------------------------------------

    @staticmethod
    def _holder(connection: Connection, device: str) -> str | None:
        state = leases.current(connection, device)
        return None if state is None else state.holder

    @staticmethod
    def _device(session: Session, name: str) -> DeviceRow:
        """The device's row, locked for this transaction (created on first mention)."""
        session.execute(
            insert_unless_present(
                session.get_bind().dialect.name,
                DeviceRow,
                name=name,
                health_reason="",
                quarantined=False,
                quarantine_reason="",
                consecutive_errors=0,
            )
        )
        row = session.get(DeviceRow, name, with_for_update=True, populate_existing=True)
        assert row is not None
        return row

    def _set_quarantine(self, row: DeviceRow, reason: str) -> None:
        row.quarantined, row.quarantine_reason, row.quarantined_at = True, reason, self.clock()


def _status(
    name: str,
    device: DeviceRow | None,
    lease: LeaseRow | None,
    last: RunRow | None,
    now: datetime,
) -> DeviceStatus:
    if lease is not None and lease.holder == leases.FREE:
        lease = None  # released: the row stays only to keep the token count
    return DeviceStatus(
        device=name,
        health_ok=device.health_ok if device else None,
        health_reason=device.health_reason if device else "",
        health_checked_at=device.health_checked_at if device else None,
        quarantined=bool(device and device.quarantined),
        quarantine_reason=device.quarantine_reason if device else "",
        consecutive_errors=device.consecutive_errors if device else 0,
        lease_holder=lease.holder if lease else None,
        lease_expires_at=lease.expires_at if lease else None,
        lease_expired=bool(lease and lease.expires_at <= now),
        last_verdict=last.verdict if last else None,
        last_run_ended=(last.ended or last.started) if last else None,
    )
