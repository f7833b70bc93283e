"""Leases: one flow at a time per device, across threads, processes and hosts.

A lease is a row of ``leases`` (device, holder, token, expiry). Each operation is one atomic
statement inside one transaction, so no check-then-write can interleave with another worker's:

- take a free device: ``INSERT ... ON CONFLICT DO NOTHING`` (one row per device);
- take over an expired lease: ``UPDATE ... WHERE expires_at <= now``. On PostgreSQL the UPDATE
  holds the row lock until commit and a concurrent taker re-reads the row after it, finds it no
  longer expired and takes nothing; on SQLite the transaction is ``BEGIN IMMEDIATE`` (the database
  write lock, see ``db.engine``), so takers run one after the other.
- release: the row stays with no holder and an expiry in the past (tokens keep growing);
- renew / release: only with the holder *and* the token of the acquisition. The token grows
  with each acquisition, so a worker that stalled past its expiry and lost the device cannot
  extend or delete the lease of the worker that took it over.

"now" comes from the store's clock (injected in tests); hosts sharing a PostgreSQL database must
keep their clocks in step (NTP), since expiry compares their wall-clock times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from harness.fleet.db.models import LeaseRow
from harness.fleet.db.upsert import insert_unless_present

FREE = ""
"""The holder of a released lease."""
RELEASED = datetime(1970, 1, 1, tzinfo=UTC)
"""The expiry of a released lease: in the past for any clock."""


@dataclass(frozen=True)
class LeaseState:
    device: str
    holder: str
    token: int
    acquired_at: datetime
    expires_at: datetime


def try_acquire(
    connection: Connection, device: str, holder: str, now: datetime, ttl_s: float
) -> LeaseState | None:
    """The lease, if the device was free or its lease had expired; None while someone holds it."""
    expires = now + timedelta(seconds=ttl_s)
    values = {"holder": holder, "acquired_at": now, "expires_at": expires}
    fresh = insert_unless_present(
        connection.dialect.name, LeaseRow, device=device, token=1, **values
    )
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT ... ON CONFLICT DO NOTHING.
    if connection.execute(fresh.returning(LeaseRow.token)).first() is not None:
        return LeaseState(device, holder, 1, now, expires)
    takeover = (
        update(LeaseRow)
        .where(LeaseRow.device == device, LeaseRow.expires_at <= now)
        .values(token=LeaseRow.token + 1, **values)
        .returning(LeaseRow.token)
    )
    token = connection.execute(takeover).scalar_one_or_none()
    return None if token is None else LeaseState(device, holder, token, now, expires)


def renew(connection: Connection, lease: LeaseState, now: datetime, ttl_s: float) -> bool:
    """Push the expiry to ``now + ttl_s``; False when the lease was taken over or released."""
    expires = now + timedelta(seconds=ttl_s)
    statement = update(LeaseRow).where(*_owned(lease)).values(expires_at=expires)
    return connection.execute(statement).rowcount == 1


def release(connection: Connection, lease: LeaseState) -> bool:
    """Free the device; False when the lease was no longer this holder's (taken over after
    expiry). The row stays, with no holder and an expiry in the past, so the next acquisition
    continues the token count instead of starting it again."""
    statement = update(LeaseRow).where(*_owned(lease)).values(holder=FREE, expires_at=RELEASED)
    return connection.execute(statement).rowcount == 1


def current(connection: Connection, device: str) -> LeaseState | None:
    columns = (LeaseRow.device, LeaseRow.holder, LeaseRow.token)
    times = (LeaseRow.acquired_at, LeaseRow.expires_at)
    query = select(*columns, *times).where(LeaseRow.device == device)
    row = connection.execute(query).one_or_none()
    return None if row is None or row.holder == FREE else LeaseState(*row)


def _owned(lease: LeaseState) -> tuple[Any, ...]:
    return (
        LeaseRow.device == lease.device,
        LeaseRow.holder == lease.holder,
        LeaseRow.token == lease.token,
    )
