"""Two rig hosts as two real ``harness worker`` processes (Celery, a real redis-server), each
with simulated devices: runs land on their host, one at a time per device, a SIGKILLed worker's
run ends ``error`` with its bundle and frees the device, the schedule fires through beat, every
run is recorded. Everything started is stopped by PID.

Runs take ~10 s each on a loaded 2-core machine; the module overlaps them across devices.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from harness.fleet.celery_app import make_celery_app, queue_of, submit_runs
from harness.fleet.celery_lab import load_fleet_lab
from harness.fleet.celery_liveness import DIED_REASON, ticket_states
from harness.report import RunResult
from tests._processes import stop
from tests.fleet_records import StoredRuns
from tests.fleet_redis import RedisServer, free_port, start_redis

pytestmark = [pytest.mark.fleet, pytest.mark.timeout(180)]

REPO = Path(__file__).resolve().parents[1]
SIM = "target: {backend: sim, size: [640, 400], time_scale: 1000"
LAB = """\
fleet: {{broker: "{broker}", bundles: runs, lease_ttl_s: 6, visibility_timeout_s: 600}}
devices:
  sim-a: {{{sim}}}, host: rig-01, tags: [nightly]}}
  sim-long: {{{sim}, overrides: {{prepare_s: 6000}}}}, host: rig-01}}
  sim-b: {{{sim}}}, host: rig-02, tags: [nightly]}}
schedule:
  smoke: {{every_s: 15, devices: sim-b}}
"""


@dataclass
class Fleet:
    lab: Path
    bundles: Path
    db: StoredRuns
    submitted: dict[str, list[str]]
    """Task ids by device, of the runs the tests queued."""

    def submit(self, devices: str) -> list[str]:
        lab = load_fleet_lab(self.lab)
        ids = [task for device, task in submit_runs(make_celery_app(lab), lab, devices)]
        for device, task in zip(devices.split(","), ids, strict=True):
            self.submitted.setdefault(device, []).append(task)
        return ids

    def record(self, task_id: str) -> dict[str, Any] | None:
        return next((r for r in self.db.records() if r["task_id"] == task_id), None)


def harness_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "harness.cli.main", *args]


def wait_for(what: str, probe: Callable[[], Any], timeout_s: float = 90) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


@pytest.fixture(scope="module")
def fleet(redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    folder = tmp_path_factory.mktemp("fleet")
    lab = folder / "lab.yaml"
    lab.write_text(LAB.format(broker=redis_server.url, sim=SIM), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    common = ["--config", str(lab), "--stop-timeout", "3", "--state-dir", str(folder / "state")]
    hosts = {"rig-01": [], "rig-02": ["--beat"]}  # rig-02 also runs the schedule (one beat)
    workers = []
    for host, extra in hosts.items():
        with (folder / f"{host}.log").open("wb") as log:  # the worker's output, kept for a look
            argv = harness_argv("worker", "--host", host, *extra, *common)
            workers.append(
                subprocess.Popen(argv, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
            )
    bundles = folder / "runs"
    try:
        yield Fleet(lab, bundles, StoredRuns(load_fleet_lab(lab).database_url), {})
    finally:
        for worker in workers:
            stop(worker, timeout_s=20)


def test_fleet_submit_queues_one_run_per_device_on_its_queue(fleet: Fleet) -> None:
    # First, so that the runs go while the workers start; the CLI as a user calls it.
    done = subprocess.run(
        harness_argv("fleet", "submit", "--config", str(fleet.lab), "--devices", "sim-long,sim-a"),
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
    )
    lines = [line.split("\t") for line in done.stdout.splitlines()]
    assert [(device, host) for device, host, _ in lines] == [  # in the lab file's order
        ("sim-a", "rig-01"),
        ("sim-long", "rig-01"),
    ]
    for device, _, task in lines:
        fleet.submitted.setdefault(device, []).append(task)
    fleet.submit("sim-a")  # a second run for sim-a, queued behind the first
    fleet.submit("sim-b")
    assert queue_of("sim-a") == "device.sim-a"


def test_a_worker_killed_mid_run_ends_it_error_and_frees_the_device(fleet: Fleet) -> None:
    [task] = fleet.submitted["sim-long"]
    folder = fleet.bundles / "sim-long" / task

    def in_the_esp() -> dict[str, Any] | None:
        results = list(folder.glob("*/result.json"))
        if not results:
            return None
        data = json.loads(results[0].read_text(encoding="utf-8"))
        return data if any(s["name"] == "provision" for s in data["steps"]) else None

    partial = wait_for("sim-long's run to reach the ESP", in_the_esp)
    assert partial["complete"] is False
    [state] = ticket_states(fleet.bundles, "sim-long")
    assert state["host"] == "rig-01" and fleet.db.lease_holder("sim-long") == task
    os.kill(state["pid"], signal.SIGKILL)  # the node running the run (solo pool: the run too)

    record = wait_for("the killed run's record", lambda: fleet.record(task), timeout_s=60)
    assert record["verdict"] == "error" and record["reason"].startswith(DIED_REASON)
    assert f"pid {state['pid']}" in record["reason"] and record["host"] == "rig-01"
    result = RunResult.load(Path(record["bundle_dir"]) / "result.json")
    assert result.complete and result.verdict == "error"
    assert len(result.steps) >= len(partial["steps"])  # the bundle so far, kept
    assert result.events[-1].kind == "worker-lost"
    assert (Path(record["bundle_dir"]) / "report.html").exists()

    # Not stuck: the next run on the device starts under a new node, holding a new lease.
    [again] = fleet.submit("sim-long")
    wait_for(
        "the next sim-long run to start",
        lambda: any(t["task_id"] == again for t in ticket_states(fleet.bundles, "sim-long")),
    )
    assert fleet.db.lease_holder("sim-long") == again


def test_runs_land_on_their_host_one_at_a_time_per_device(fleet: Fleet) -> None:
    tasks = fleet.submitted["sim-a"] + fleet.submitted["sim-b"]
    records = [wait_for(f"run {t}", lambda t=t: fleet.record(t)) for t in tasks]
    assert {(r["device"], r["host"]) for r in records} == {("sim-a", "rig-01"), ("sim-b", "rig-02")}
    assert all(r["verdict"] == "passed" for r in records), records
    first, second = sorted(
        (r for r in records if r["device"] == "sim-a"), key=lambda r: r["started_at"]
    )
    # Two runs queued for sim-a while its node was free: the second began after the first ended.
    assert datetime.fromisoformat(second["started_at"]) >= datetime.fromisoformat(
        first["finished_at"]
    )


def test_the_schedule_fires_through_beat(fleet: Fleet) -> None:
    scheduled = wait_for(
        "a run queued by the schedule",
        lambda: [r for r in fleet.db.records() if r["trigger"] == "schedule:smoke"],
    )
    assert scheduled[0]["device"] == "sim-b" and scheduled[0]["host"] == "rig-02"
    assert scheduled[0]["verdict"] == "passed"


def test_the_records_hold_every_run_once(fleet: Fleet) -> None:
    records = fleet.db.records()
    by_task = {r["task_id"]: r for r in records}
    assert len(by_task) == len(records), "a run was recorded twice"
    finished = [t for d in ("sim-a", "sim-b") for t in ticket_states(fleet.bundles, d)]
    assert all(t["task_id"] in by_task for t in finished if t["finished"])
    for device in ("sim-a", "sim-b"):
        spans = sorted(
            (r["started_at"], r["finished_at"]) for r in records if r["device"] == device
        )
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert start >= end, f"{device} ran two flows at once"
    for record in records:
        assert RunResult.load(Path(record["bundle_dir"]) / "result.json").complete


def test_queued_runs_survive_a_broker_restart(tmp_path: Path) -> None:
    # The broker set-up docs/fleet.md asks for (append-only file): a restart keeps the queue.
    port = free_port()
    persistent = ("--appendonly", "yes", "--appendfsync", "always", "--save", "")
    redis = start_redis(tmp_path, port, *persistent)
    lab_file = tmp_path / "lab.yaml"
    lab_file.write_text(LAB.format(broker=f"redis://127.0.0.1:{port}/0", sim=SIM), encoding="utf-8")
    lab = load_fleet_lab(lab_file)
    app = make_celery_app(lab)
    try:
        submit_runs(app, lab, "sim-a,sim-b")
        submit_runs(app, lab, "sim-a")
        stop(redis)
        redis = start_redis(tmp_path, port, *persistent)
        with app.connection_for_write() as connection:
            client = connection.default_channel.client
            assert client.llen(queue_of("sim-a")) == 2
            assert client.llen(queue_of("sim-b")) == 1
    finally:
        stop(redis)
