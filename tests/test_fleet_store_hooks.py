"""``harness fleet run``'s hooks on the runs database (harness/fleet/store_hooks.py): quarantine,
lease, health check before a run; record, retry policy and lease release after it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.config.devices import DeviceConfig
from harness.fleet.store import FleetStore
from harness.fleet.store_hooks import FleetStoreHooks, HealthCheckFailed
from harness.flow.expectation import Expectation
from harness.flow.settings import FlowSettings
from harness.targets.sim import make_sim_target
from harness.targets.target import Target
from tests.fleet_doubles import run_result
from tests.test_fleet_health import DeadKeyboard, _target

pytestmark = pytest.mark.fleet

DEVICE = DeviceConfig(
    name="laptop-07",
    source="lab.yaml",
    parts={"target": {"backend": "sim"}},
    expectation=Expectation(),
    flow=FlowSettings(),
    facts={"model": "Contoso Book 14"},
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[FleetStore]:
    opened = FleetStore.open(f"sqlite:///{tmp_path / 'fleet.db'}")
    yield opened
    opened.close()


def healthy(_device: DeviceConfig) -> Target:
    return make_sim_target("success")


def broken(_device: DeviceConfig) -> Target:
    return _target(keyboard=DeadKeyboard())


def hooks_on(store: FleetStore, build=healthy) -> FleetStoreHooks:  # type: ignore[no-untyped-def]
    return FleetStoreHooks(store, "rig-01", build, lease_ttl_s=60)


def test_a_healthy_device_runs_under_its_lease_and_is_recorded(store: FleetStore) -> None:
    hooks = hooks_on(store)
    try:
        assert hooks.before_run(DEVICE) is None
        assert store.lease_holder("laptop-07") == hooks.holder
        assert hooks.after_run(DEVICE, run_result("passed")) is False
        [run] = store.runs("laptop-07")
        assert (run.host, run.attempt, run.verdict, run.facts) == (
            "rig-01", 1, "passed", {"model": "Contoso Book 14"},
        )  # fmt: skip
        assert store.lease_holder("laptop-07") is None
    finally:
        hooks.close()


def test_a_failed_health_check_quarantines_and_the_next_run_is_skipped(store: FleetStore) -> None:
    hooks = hooks_on(store, broken)
    try:
        with pytest.raises(HealthCheckFailed, match=r"keyboard.*does not answer GET_INFO"):
            hooks.before_run(DEVICE)
        assert store.is_quarantined("laptop-07")
        assert store.lease_holder("laptop-07") is None  # freed: nothing runs
        assert (hooks.before_run(DEVICE) or "").startswith("quarantined: ")
    finally:
        hooks.close()


def test_a_device_leased_elsewhere_is_skipped_naming_the_holder(store: FleetStore) -> None:
    store.acquire_lease("laptop-07", "worker@rig-02", 60)
    hooks = hooks_on(store)
    try:
        assert hooks.before_run(DEVICE) == "leased by worker@rig-02"
    finally:
        hooks.close()


def test_an_error_is_retried_once_after_a_passing_check_and_failed_never(
    store: FleetStore,
) -> None:
    hooks = hooks_on(store)
    try:
        assert hooks.before_run(DEVICE) is None
        assert hooks.after_run(DEVICE, run_result("error", run_id="r1")) is True
        assert store.lease_holder("laptop-07") == hooks.holder  # kept for the second attempt
        assert hooks.after_run(DEVICE, run_result("error", run_id="r2")) is False
        assert [(r.run_id, r.attempt) for r in store.runs("laptop-07")] == [("r2", 2), ("r1", 1)]
        assert store.lease_holder("laptop-07") is None
        other = DeviceConfig(**{**vars(DEVICE), "name": "kiosk-12"})
        assert hooks.before_run(other) is None
        assert hooks.after_run(other, run_result("failed")) is False
    finally:
        hooks.close()


def test_an_error_whose_recheck_fails_is_not_retried(store: FleetStore) -> None:
    checks = iter([healthy, broken])
    hooks = hooks_on(store, lambda device: next(checks)(device))
    try:
        assert hooks.before_run(DEVICE) is None
        assert hooks.after_run(DEVICE, run_result("error")) is False
        assert store.is_quarantined("laptop-07")  # the rig is broken: out until a recheck
        assert store.lease_holder("laptop-07") is None
    finally:
        hooks.close()
