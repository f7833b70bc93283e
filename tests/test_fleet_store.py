"""The runs database on SQLite and on a real PostgreSQL: migrations, runs, health, quarantine."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from harness.errors import ConfigError
from harness.fleet.db.engine import (
    DatabaseUnavailable,
    default_database_url,
    open_engine,
    schema_revision,
    upgrade_to_head,
)
from harness.fleet.db.models import Base
from harness.fleet.policy import QuarantineRule
from harness.fleet.store import FleetStore
from tests.fleet_doubles import SteppedClock, run_result

pytestmark = pytest.mark.fleet

HEAD = "0002"


def test_migrations_take_an_empty_database_to_the_models_schema(fleet_database_url: str) -> None:
    engine = open_engine(fleet_database_url, migrate=False)
    try:
        assert schema_revision(engine) is None
        assert inspect(engine).get_table_names() == []
        open_engine(fleet_database_url).dispose()
        assert schema_revision(engine) == HEAD
        assert set(inspect(engine).get_table_names()) == {
            "alembic_version", "runs", "run_phases", "devices", "health_checks", "leases",
        }  # fmt: skip
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        open_engine(fleet_database_url).dispose()  # a second open migrates nothing
        assert schema_revision(engine) == HEAD
    finally:
        engine.dispose()


def test_a_database_of_the_first_schema_keeps_its_runs_through_the_migrations(
    fleet_database_url: str,
) -> None:
    engine = open_engine(fleet_database_url, migrate=False)
    try:
        upgrade_to_head(engine, "0001")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO runs (run_id, device, host, attempt, facts, verdict, reason,"
                    " result, error_codes, harness_version, started)"
                    " VALUES ('r1', 'laptop-07', 'rig-01', 1, '{}', 'passed', 'ok', 'green',"
                    " '[]', '0.1.0', '2026-12-01 01:00:00')"
                )
            )
    finally:
        engine.dispose()
    store = FleetStore.open(fleet_database_url)
    try:
        [old] = store.runs()
        assert (old.run_id, old.verdict, old.task_id, old.trigger) == ("r1", "passed", None, None)
        store.record_run("laptop-07", "rig-01", {}, run_result("error"), task_id="t1")
        store.record_run("laptop-07", "rig-01", {}, run_result("error"), task_id="t1")
        assert [run.task_id for run in store.runs()] == ["t1", None]  # the task once
    finally:
        store.close()


def test_a_run_reads_back_with_every_field_and_phase(fleet_database_url: str) -> None:
    store = FleetStore.open(fleet_database_url)
    result = run_result("failed", reason="red with 0x800705b4, expected green")
    started = datetime(2026, 11, 27, 18, 29, 58, tzinfo=UTC)
    ended = datetime(2026, 11, 27, 19, 12, 31, 250000, tzinfo=UTC)
    facts = {"model": "Contoso Book 14", "tpm": "2.0"}
    row_id = store.record_run("laptop-07", "rig-3", facts, result, started, ended, attempt=2)

    [run] = store.runs("laptop-07")
    assert run.id == row_id
    assert (run.run_id, run.device, run.host, run.attempt) == ("run-1", "laptop-07", "rig-3", 2)
    assert run.facts == facts
    assert (run.verdict, run.reason, run.result) == ("failed", result.reason, "red")
    assert (run.error_codes, run.category) == (["0x800705b4"], "tpm-attestation")
    assert (run.elapsed_on_screen, run.elapsed_on_screen_s) == ("00:42:17", 2537.0)
    assert (run.elapsed_measured_s, run.elapsed_difference_s) == (2539.5, 2.5)
    assert (run.harness_version, run.bundle) == ("0.1.0", "/srv/runs/laptop-07/run-1")
    assert (run.started, run.ended) == (started, ended)
    assert [(p.name, p.parent, p.start_s, p.end_s, p.duration_s) for p in run.phases] == [
        ("power-on-to-oobe", None, 0.0, 41.5, 41.5),
        ("provision-to-result", None, 60.0, 2599.5, 2539.5),
        ("esp:device-preparation", "esp", 61.0, 900.0, 839.0),
        ("esp:device-setup", "esp", 900.0, 2590.0, 1690.0),
        ("reseal-to-power-off", None, 2610.0, None, None),
    ]
    assert [p.detail for p in run.esp_phases] == ["complete", "complete"]
    assert store.runs("desktop-01") == []
    store.close()


def test_run_times_default_to_the_records_own(fleet_database_url: str) -> None:
    store = FleetStore.open(fleet_database_url)
    store.record_run("laptop-07", "rig-3", {}, run_result())
    [run] = store.runs()
    assert run.started == datetime(2026, 11, 27, 18, 30, tzinfo=UTC)
    assert run.ended == datetime(2026, 11, 27, 19, 12, 30, 500000, tzinfo=UTC)
    store.close()


def test_three_consecutive_rig_errors_quarantine_and_a_verdict_resets_the_count(
    fleet_database_url: str,
) -> None:
    store = FleetStore.open(fleet_database_url, clock=SteppedClock())
    for verdict in ("error", "error", "failed", "error", "error"):
        store.record_run("vm-01", "rig-1", {}, run_result(verdict, reason=f"{verdict} reason"))
    assert store.consecutive_errors("vm-01") == 2
    assert not store.is_quarantined("vm-01")
    store.record_run("vm-01", "rig-1", {}, run_result("error", reason="no frames for 30 s"))
    assert store.is_quarantined("vm-01")
    [status] = store.status()
    assert status.quarantine_reason == "3 consecutive rig errors (last: no frames for 30 s)"
    assert (status.last_verdict, status.consecutive_errors) == ("error", 3)

    store.release("vm-01")
    assert not store.is_quarantined("vm-01")
    assert store.consecutive_errors("vm-01") == 0
    store.record_run("vm-01", "rig-1", {}, run_result("error"))
    assert not store.is_quarantined("vm-01"), "the count starts again after a release"
    store.close()


def test_the_number_of_errors_that_quarantine_is_configurable(fleet_database_url: str) -> None:
    store = FleetStore.open(fleet_database_url, quarantine=QuarantineRule(after=1))
    store.record_run("vm-02", "rig-1", {}, run_result("passed"))
    assert not store.is_quarantined("vm-02")
    store.record_run("vm-02", "rig-1", {}, run_result("error", reason="libvirt connection lost"))
    assert store.is_quarantined("vm-02")
    store.close()


def test_a_failed_health_check_quarantines_with_its_reason(fleet_database_url: str) -> None:
    clock = SteppedClock()
    store = FleetStore.open(fleet_database_url, clock=clock)
    store.record_health("laptop-07", True, "")
    assert not store.is_quarantined("laptop-07")
    clock.advance(3600)
    store.record_health("laptop-07", False, "keyboard: CH9329 does not answer GET_INFO")
    assert store.quarantined_devices() == ["laptop-07"]
    [status] = store.status(["laptop-07"])
    assert status.health_ok is False
    assert status.health_checked_at == clock.now
    assert (
        status.quarantine_reason == "health check failed: keyboard: CH9329 does not answer GET_INFO"
    )
    store.quarantine("laptop-08", "sent for repair")
    assert store.quarantined_devices() == ["laptop-07", "laptop-08"]
    store.close()


def test_status_lists_named_devices_unknown_to_the_database(fleet_database_url: str) -> None:
    clock = SteppedClock()
    store = FleetStore.open(fleet_database_url, clock=clock)
    store.record_run("b-device", "rig-1", {}, run_result("passed", run_id="one"))
    store.record_run("b-device", "rig-1", {}, run_result("failed", run_id="two"))
    lease = store.acquire_lease("a-device", "rig-2:77", ttl_s=60)
    assert lease is not None
    rows = {row.device: row for row in store.status(["a-device", "b-device", "c-device"])}
    assert list(rows) == ["a-device", "b-device", "c-device"]
    assert (rows["a-device"].lease_holder, rows["a-device"].lease_expired) == ("rig-2:77", False)
    assert rows["b-device"].last_verdict == "failed"
    assert rows["c-device"].health_ok is None and rows["c-device"].last_verdict is None
    clock.advance(61)
    assert store.status(["a-device"])[0].lease_expired
    lease.release()
    assert store.status(["a-device"])[0].lease_holder is None
    assert [row.device for row in store.status()] == ["a-device", "b-device"]  # known ones
    store.close()


def test_the_default_database_sits_beside_the_runs_folder(tmp_path) -> None:
    assert default_database_url(tmp_path / "runs") == f"sqlite:///{tmp_path / 'fleet.db'}"


@pytest.mark.parametrize("url", ["not a url", "mysql+nosuchdriver://x/y"])
def test_a_bad_database_url_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigError, match="--db: not a usable database URL"):
        open_engine(url)


def test_an_unreachable_database_is_a_rig_error_without_the_password(tmp_path) -> None:
    url = f"postgresql+psycopg://harness:s3cret@/fleet?host={tmp_path}"  # no server there
    with pytest.raises(DatabaseUnavailable) as raised:
        open_engine(url)
    assert "runs database postgresql+psycopg://harness:***@/fleet" in str(raised.value)
    assert "s3cret" not in str(raised.value)
