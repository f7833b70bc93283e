"""Leases on SQLite and a real PostgreSQL: exclusion across threads and processes, expiry
takeover on a driven clock, and what a killed worker leaves behind."""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from harness.fleet.lease import LeaseBusy, LeaseLost
from harness.fleet.store import FleetStore
from tests._processes import stop
from tests.fleet_doubles import SteppedClock

pytestmark = pytest.mark.fleet

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 2  # each one's start (imports) costs a second or two on a busy machine
HOLDINGS_PER_WORKER = 6


def test_a_held_device_is_refused_until_released(fleet_database_url: str) -> None:
    store = FleetStore.open(fleet_database_url, clock=SteppedClock())
    first = store.acquire_lease("laptop-07", "rig-1:10", ttl_s=600)
    assert first is not None and first.token == 1
    assert store.acquire_lease("laptop-07", "rig-2:20", ttl_s=600) is None
    assert store.acquire_lease("laptop-08", "rig-2:20", ttl_s=600) is not None
    assert store.lease_holder("laptop-07") == "rig-1:10"
    assert first.release()
    assert store.lease_holder("laptop-07") is None
    second = store.acquire_lease("laptop-07", "rig-2:20", ttl_s=600)
    assert second is not None and second.token == 2, "tokens keep growing after a release"
    assert not first.release(), "a released lease cannot release its successor"
    assert store.lease_holder("laptop-07") == "rig-2:20"
    store.close()


def test_the_context_manager_releases_on_error_and_refuses_a_busy_device(
    fleet_database_url: str,
) -> None:
    store = FleetStore.open(fleet_database_url, clock=SteppedClock())
    with pytest.raises(RuntimeError), store.lease("vm-01", "rig-1:10", ttl_s=60):
        assert store.lease_holder("vm-01") == "rig-1:10"
        busy = pytest.raises(LeaseBusy, match=r"vm-01 is leased by rig-1:10")
        with busy, store.lease("vm-01", "rig-2:20", ttl_s=60):
            pass
        raise RuntimeError("the run blew up")
    assert store.lease_holder("vm-01") is None
    store.close()


def test_an_expired_lease_is_taken_over_and_its_old_holder_locked_out(
    fleet_database_url: str,
) -> None:
    clock = SteppedClock()
    store = FleetStore.open(fleet_database_url, clock=clock)
    stalled = store.acquire_lease("vm-01", "rig-1:10", ttl_s=60)
    assert stalled is not None
    clock.advance(59.999)
    assert store.acquire_lease("vm-01", "rig-2:20", ttl_s=60) is None
    clock.advance(0.001)
    successor = store.acquire_lease("vm-01", "rig-2:20", ttl_s=60)
    assert successor is not None and successor.token == stalled.token + 1
    with pytest.raises(LeaseLost, match="now held by rig-2:20"):
        stalled.renew(60)
    assert not stalled.release()
    assert store.lease_holder("vm-01") == "rig-2:20"
    store.close()


def test_renewing_pushes_the_expiry_back(fleet_database_url: str) -> None:
    clock = SteppedClock()
    store = FleetStore.open(fleet_database_url, clock=clock)
    lease = store.acquire_lease("vm-01", "rig-1:10", ttl_s=60)
    assert lease is not None
    clock.advance(50)
    lease.renew(60)
    assert (lease.expires_at - clock.now).total_seconds() == 60
    clock.advance(59)
    assert store.acquire_lease("vm-01", "rig-2:20", ttl_s=60) is None
    clock.advance(1)
    assert store.acquire_lease("vm-01", "rig-2:20", ttl_s=60) is not None
    store.close()


def test_threads_sharing_one_store_get_the_device_one_at_a_time(fleet_database_url: str) -> None:
    store = FleetStore.open(fleet_database_url)
    start = threading.Barrier(6)
    winners: list[str] = []

    def contend(name: str) -> None:
        start.wait()
        if store.acquire_lease("vm-01", name, ttl_s=120) is not None:
            winners.append(name)

    threads = [threading.Thread(target=contend, args=(f"thread-{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(winners) == 1
    assert store.lease_holder("vm-01") == winners[0]
    store.close()


def test_processes_with_their_own_engines_never_hold_the_device_together(
    fleet_database_url: str,
) -> None:
    FleetStore.open(fleet_database_url).close()  # migrated once, before the workers race
    command = [sys.executable, "-m", "tests.fleet_lease_worker", fleet_database_url, "vm-01"]
    workers = [
        subprocess.Popen(
            [*command, "take", str(HOLDINGS_PER_WORKER)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WORKERS)
    ]
    holdings = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        holdings += [json.loads(line) for line in out.splitlines()]
    assert len(holdings) == WORKERS * HOLDINGS_PER_WORKER
    holdings.sort(key=lambda holding: holding["entered_ns"])
    for earlier, later in itertools.pairwise(holdings):
        assert earlier["left_ns"] < later["entered_ns"], (earlier, later)
    tokens = [holding["token"] for holding in holdings]
    assert tokens == list(range(1, len(holdings) + 1)), "one token per holding, in order"


def test_a_killed_workers_lease_blocks_the_device_until_its_expiry(
    fleet_database_url: str,
) -> None:
    store = FleetStore.open(fleet_database_url)
    command = [sys.executable, "-m", "tests.fleet_lease_worker", fleet_database_url, "vm-01"]
    doomed = subprocess.Popen(
        [*command, "hold", "300"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert doomed.stdout is not None
        assert json.loads(doomed.stdout.readline()) == {"token": 1}
    finally:
        stop(doomed, how=signal.SIGKILL)
    store.close()

    holder = f"doomed-{doomed.pid}"
    clock = SteppedClock(now=_lease_expiry(fleet_database_url, "vm-01"))
    store = FleetStore.open(fleet_database_url, clock=clock)
    clock.advance(-1)
    assert store.lease_holder("vm-01") == holder
    assert store.acquire_lease("vm-01", "rig-2:20", ttl_s=60) is None
    clock.advance(1)
    successor = store.acquire_lease("vm-01", "rig-2:20", ttl_s=60)
    assert successor is not None and successor.token == 2
    store.close()


def _lease_expiry(url: str, device: str):  # -> datetime
    store = FleetStore.open(url)
    try:
        [row] = store.status([device])
        assert row.lease_expires_at is not None
        return row.lease_expires_at
    finally:
        store.close()
