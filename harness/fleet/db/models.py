"""The tables of the runs database, as SQLAlchemy 2 ORM models.

Every change here needs a new Alembic revision under ``harness/fleet/migrations/versions``;
``tests/test_fleet_store.py`` checks that the migrated schema and these models agree.

Times are stored as naive UTC (``UtcDateTime``): SQLite has no time zones and compares them as
text, PostgreSQL as ``timestamp``; both then order and compare them the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC ``datetime`` in Python, a naive UTC timestamp in the database."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"a naive datetime is ambiguous here: {value!r} (give it a tzinfo)")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime()}


class RunRow(Base):
    """One run of the technician flow on one device (a retried run is a second row)."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(200), index=True)
    device: Mapped[str] = mapped_column(String(200), index=True)
    host: Mapped[str] = mapped_column(String(200))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    facts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    verdict: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(String(20))
    error_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    category: Mapped[str | None] = mapped_column(String(100))
    elapsed_on_screen: Mapped[str | None] = mapped_column(String(50))
    elapsed_on_screen_s: Mapped[float | None] = mapped_column(Float)
    elapsed_measured_s: Mapped[float | None] = mapped_column(Float)
    elapsed_difference_s: Mapped[float | None] = mapped_column(Float)
    harness_version: Mapped[str] = mapped_column(String(50), default="")
    bundle: Mapped[str | None] = mapped_column(Text)
    started: Mapped[datetime] = mapped_column(index=True)
    ended: Mapped[datetime | None] = mapped_column()
    task_id: Mapped[str | None] = mapped_column(String(200), index=True, unique=True)
    """The Celery task that ran it (None for a run outside Celery): one row per task."""
    trigger: Mapped[str | None] = mapped_column(String(200))
    """What queued it: ``submit``, ``schedule:<entry>`` (None outside Celery)."""

    phases: Mapped[list[PhaseRow]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="PhaseRow.position"
    )


class PhaseRow(Base):
    """A timed phase of a run; ESP sub-phases (``esp:<name>``) have ``parent`` = ``esp``."""

    __tablename__ = "run_phases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_pk: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    parent: Mapped[str | None] = mapped_column(String(200))
    start_s: Mapped[float] = mapped_column(Float)
    end_s: Mapped[float | None] = mapped_column(Float)
    duration_s: Mapped[float | None] = mapped_column(Float)
    detail: Mapped[str] = mapped_column(Text, default="")

    run: Mapped[RunRow] = relationship(back_populates="phases")


class DeviceRow(Base):
    """What the fleet knows about a device between runs: health, quarantine, rig-error streak."""

    __tablename__ = "devices"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    health_ok: Mapped[bool | None] = mapped_column()
    health_reason: Mapped[str] = mapped_column(Text, default="")
    health_checked_at: Mapped[datetime | None] = mapped_column()
    quarantined: Mapped[bool] = mapped_column(default=False)
    quarantine_reason: Mapped[str] = mapped_column(Text, default="")
    quarantined_at: Mapped[datetime | None] = mapped_column()
    consecutive_errors: Mapped[int] = mapped_column(Integer, default=0)


class HealthCheckRow(Base):
    """The history of health checks (the device row keeps only the latest)."""

    __tablename__ = "health_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device: Mapped[str] = mapped_column(String(200), index=True)
    ok: Mapped[bool] = mapped_column()
    reason: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime] = mapped_column()


class LeaseRow(Base):
    """Who runs a flow on a device now, until when. ``token`` grows with every acquisition: a
    holder whose lease was taken over after expiry cannot renew or release the new one."""

    __tablename__ = "leases"

    device: Mapped[str] = mapped_column(String(200), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    token: Mapped[int] = mapped_column(Integer)
    acquired_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
