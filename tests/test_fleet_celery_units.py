"""The Celery layer's parts without processes: the lab keys, the selection, the schedule's
timing at a given "now", leases and records, and the reaper on a run whose process is gone."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.fleet.celery_beat import beat_schedule, parse_cron
from harness.fleet.celery_hooks import RunTicket
from harness.fleet.celery_lab import load_fleet_lab
from harness.fleet.celery_liveness import (
    DIED_REASON,
    TicketState,
    _save,
    reap_device,
    run_folder,
)
from harness.fleet.celery_selection import select_devices
from harness.fleet.celery_store_hooks import StoreHooks
from harness.fleet.store import FleetStore
from harness.report import RunResult

pytestmark = pytest.mark.fleet

LAB = """\
fleet: {broker: "redis://127.0.0.1:1/0", bundles: runs, lease_ttl_s: 30}
devices:
  a: {target: {backend: sim}, host: rig-01, tags: [nightly]}
  b: {target: {backend: sim}, host: rig-02, tags: [nightly, tpm]}
  c: {target: {backend: sim}}
schedule:
  nightly: {cron: "0 1 * * *", devices: "tag:nightly"}
  smoke: {every_s: 90, devices: "a"}
"""


def write_lab(tmp_path: Path, text: str = LAB) -> Path:
    path = tmp_path / "lab.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_selection_by_names_and_tags(tmp_path: Path) -> None:
    lab = load_fleet_lab(write_lab(tmp_path))
    assert select_devices("tag:nightly", lab) == ["a", "b"]
    assert select_devices("b, tag:nightly,c", lab) == ["a", "b", "c"]  # the lab file's order
    with pytest.raises(ConfigError, match=r"lab\.yaml: --devices: no device 'z'"):
        select_devices("a,z", lab)
    with pytest.raises(ConfigError, match="'tag:gpu' matches no device"):
        select_devices("tag:gpu", lab)
    with pytest.raises(ConfigError, match=r"schedule\.x\.devices: 'tag:gpu' matches no"):
        select_devices("tag:gpu", lab, key="schedule.x.devices")
    assert lab.devices_of_host("rig-01") == ["a"]
    with pytest.raises(ConfigError, match=r"devices\.c\.host"):
        lab.host_of("c")
    assert lab.bundles == tmp_path.resolve() / "runs"


def test_the_nightly_cron_is_due_at_one_and_not_before(tmp_path: Path) -> None:
    entries = beat_schedule(load_fleet_lab(write_lab(tmp_path)))
    nightly, smoke = entries["nightly"]["schedule"], entries["smoke"]["schedule"]
    last_run = datetime(2026, 12, 1, 1, 0, 0, tzinfo=UTC)
    nightly.nowfun = lambda: datetime(2026, 12, 2, 0, 59, 30, tzinfo=UTC)
    assert tuple(nightly.is_due(last_run)) == (False, 30.0)
    nightly.nowfun = lambda: datetime(2026, 12, 2, 1, 0, 5, tzinfo=UTC)
    due, next_in = nightly.is_due(last_run)
    assert due and next_in == pytest.approx(24 * 3600 - 5)
    assert entries["nightly"]["kwargs"] == {"devices": "tag:nightly"}
    assert smoke.run_every.total_seconds() == 90


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ('{cron: "61 * * * *", devices: a}', r"schedule\.x\.cron: '61 \* \* \* \*': Invalid end"),
        ('{cron: "0 1 * *", devices: a}', r"schedule\.x\.cron: expected five cron fields"),
        ("{every_s: 5, cron: '* * * * *', devices: a}", r"schedule\.x: needs exactly one"),
        ("{every_s: 5, devices: tag:none}", r"schedule\.x\.devices: .tag:none. matches no device"),
        ("{every_s: 5, devices: a, when: now}", r"schedule\.x: unknown key 'when'"),
    ],
)
def test_a_bad_schedule_entry_names_its_key(tmp_path: Path, schedule: str, message: str) -> None:
    text = LAB.split("schedule:")[0] + f"schedule:\n  x: {schedule}\n"
    with pytest.raises(ConfigError, match=message):
        beat_schedule(load_fleet_lab(write_lab(tmp_path, text)))


def test_parse_cron_reads_the_five_fields() -> None:
    assert parse_cron("*/15 2-4 * * 1", source="lab.yaml", key="k").hour == {2, 3, 4}


def test_a_lease_is_refused_while_held_and_free_once_expired(tmp_path: Path) -> None:
    now = [datetime(2026, 12, 2, 1, 0, tzinfo=UTC)]
    store = FleetStore.open(f"sqlite:///{tmp_path / 'fleet.db'}", clock=lambda: now[0])
    try:
        hooks = StoreHooks(store, lease_ttl_s=30)
        first, second = RunTicket("t1", "a"), RunTicket("t2", "a")
        assert hooks.before_run(first) is None
        assert "lease held by t1" in (hooks.before_run(second) or "")
        now[0] += timedelta(seconds=31)  # t1's worker stopped renewing: its lease expired
        assert hooks.before_run(second) is None
        assert store.lease_holder("a") == "t2"
        hooks.renew(first)  # the late holder renews nothing, and takes nothing back
        assert store.lease_holder("a") == "t2"
    finally:
        store.close()


CUT_OFF_RUN = """
import os, sys
from pathlib import Path
from harness.report import RunBundle
bundle = RunBundle(Path(sys.argv[1]), name_parts=("a",), write_html=False)
bundle.start_step("open-options")
print(os.getpid(), bundle.path, flush=True)
os._exit(0)  # gone mid-step: no finalise, no close (as after a SIGKILL)
"""


def test_the_reaper_finalises_a_run_whose_process_is_gone(tmp_path: Path) -> None:
    ticket = RunTicket("task-1", "a", "schedule:nightly")
    folder = run_folder(tmp_path, ticket)
    gone = subprocess.run(
        [sys.executable, "-c", CUT_OFF_RUN, str(folder)], check=True, capture_output=True, text=True
    )
    pid, bundle_path = gone.stdout.split()
    bundle_dir = Path(bundle_path)
    assert RunResult.load(bundle_dir / "result.json").complete is False
    store = FleetStore.open(f"sqlite:///{tmp_path / 'fleet.db'}")
    assert StoreHooks(store, lease_ttl_s=3600).before_run(ticket) is None  # the dead worker's
    hooks = StoreHooks(store, lease_ttl_s=3600)  # the reaper's: it holds no lease object
    state = TicketState(**vars(ticket), host="rig-01", pid=int(pid), heartbeat_at=time.time())
    _save(folder, state)
    assert reap_device(tmp_path, "a", host="rig-02", ttl_s=3600, hooks=hooks) == 0  # other host
    assert reap_device(tmp_path, "a", host="rig-01", ttl_s=3600, hooks=hooks) == 1
    result = RunResult.load(bundle_dir / "result.json")
    assert (result.verdict, result.complete) == ("error", True)
    assert result.reason.startswith(DIED_REASON) and result.steps[0].name == "open-options"
    assert (bundle_dir / "report.html").exists()
    [record] = store.runs()
    assert (record.task_id, record.verdict) == ("task-1", "error")
    assert record.trigger == "schedule:nightly" and record.bundle == str(bundle_dir)
    assert store.lease_holder("a") is None  # released with the record
    assert reap_device(tmp_path, "a", host="rig-01", ttl_s=3600, hooks=hooks) == 0  # once
    hooks.after_run(ticket, "rig-01", result)  # recorded again (a node died after recording)
    assert len(store.runs()) == 1
    store.close()
