"""The fleet runner: the parallelism bound (measured by the status model), the status rows, the
before_run / after_run hooks and a stop. The devices are the example lab's cheapest simulated
one (failed on the configuration screen), copied under several names; the simulated clocks do
not wait (``sim_pace=0``), so nothing here depends on the wall clock."""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from harness.config import load_lab_config
from harness.config.devices import DeviceConfig
from harness.fleet.runner import FleetOptions, FleetRunner
from harness.fleet.status import DeviceStatus
from harness.report import RunResult

pytestmark = pytest.mark.fleet

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "lab.example.yaml"


def lab_of_copies(tmp_path: Path, source: str, count: int) -> list[DeviceConfig]:
    """``count`` devices ``d1``... each the example's ``source`` device."""
    entry = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))["devices"][source]
    path = tmp_path / "lab.yaml"
    devices = {f"d{number}": entry for number in range(1, count + 1)}
    path.write_text(yaml.safe_dump({"devices": devices}), encoding="utf-8")
    return list(load_lab_config(path).devices.values())


def options(tmp_path: Path, parallel: int) -> FleetOptions:
    return FleetOptions(out_dir=tmp_path / "runs", parallel=parallel, sim_pace=0.0)


def test_never_more_runs_at_once_than_parallel(tmp_path: Path) -> None:
    devices = lab_of_copies(tmp_path, "sim-wrong-profile", 3)
    runner = FleetRunner(devices, options(tmp_path, parallel=2))
    seen: dict[str, list[DeviceStatus]] = defaultdict(list)
    in_flight: list[int] = []

    def listen(row: DeviceStatus) -> None:
        seen[row.device].append(row)
        in_flight.append(runner.status.in_flight)

    runner.status.subscribe(listen)
    outcomes = runner.run()
    assert runner.status.max_in_flight == 2 and max(in_flight) == 2
    assert runner.status.in_flight == 0
    assert [o.verdict for o in outcomes] == ["failed"] * 3
    assert all("profile 'Autopilot User-Driven'" in o.reason for o in outcomes)
    for outcome in outcomes:
        assert outcome.bundle_dir is not None and outcome.attempts == 1
        saved = json.loads((outcome.bundle_dir / "result.json").read_text(encoding="utf-8"))
        assert saved["verdict"] == "failed" and saved["device"]["name"] == outcome.device
    # Each row went through the flow's steps and screens, and ended with its verdict.
    for name, rows in seen.items():
        phases = [row.phase for row in rows]
        assert phases.index("open-options") < phases.index("check-configuration"), name
        assert "configuration" in {row.screen for row in rows}, name
        assert rows[-1].state == "finished" and rows[-1].verdict == "failed"


class RecordingHooks:
    def __init__(self, skip: str, retry: str) -> None:
        self.skip, self.retry = skip, retry
        self.before: list[str] = []
        self.after: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def before_run(self, device: DeviceConfig) -> str | None:
        with self.lock:
            self.before.append(device.name)
        return "quarantined: 3 errors in a row" if device.name == self.skip else None

    def after_run(self, device: DeviceConfig, result: RunResult) -> bool:
        with self.lock:
            self.after.append((device.name, result.verdict))
        return device.name == self.retry  # asks every time: the runner retries only once


def test_before_run_skips_and_after_run_retries_once(tmp_path: Path) -> None:
    devices = lab_of_copies(tmp_path, "sim-wrong-profile", 2)
    hooks = RecordingHooks(skip="d1", retry="d2")
    runner = FleetRunner(devices, options(tmp_path, parallel=2), hooks)
    skipped, retried = runner.run()
    assert skipped.verdict == "skipped" and skipped.reason == "quarantined: 3 errors in a row"
    assert skipped.bundle_dir is None and skipped.attempts == 0
    assert sorted(hooks.before) == ["d1", "d2"]
    assert hooks.after == [("d2", "failed"), ("d2", "failed")]
    assert retried.attempts == 2 and len(retried.earlier_bundles) == 1
    assert retried.bundle_dir not in retried.earlier_bundles
    assert {p.name for p in (tmp_path / "runs").iterdir()} == {
        retried.bundle_dir.name,  # type: ignore[union-attr]
        retried.earlier_bundles[0].name,
    }
    assert runner.status.max_in_flight == 1  # the skip never counted as running


def test_a_stop_finalises_the_runs_in_flight_and_starts_no_more(tmp_path: Path) -> None:
    devices = lab_of_copies(tmp_path, "sim-demo", 3)
    runner = FleetRunner(devices, options(tmp_path, parallel=2))
    reached = threading.Event()

    def listen(row: DeviceStatus) -> None:
        if row.phase == "select-provisioning":
            reached.set()

    runner.status.subscribe(listen)
    runner.start()
    assert reached.wait(120), "no run reached select-provisioning"
    runner.stop()
    assert runner.wait(60)
    first, second, third = runner.outcomes()
    assert third.verdict == "skipped" and "stopped" in third.reason
    for outcome in (first, second):
        assert outcome.verdict == "error", outcome.reason
        assert outcome.reason == "interrupted by the operator (Ctrl-C)"
        assert outcome.bundle_dir is not None and outcome.result is not None
        saved = json.loads((outcome.bundle_dir / "result.json").read_text(encoding="utf-8"))
        assert saved["verdict"] == "error" and saved["reason"] == outcome.reason
        assert (outcome.bundle_dir / "report.html").is_file()


def test_a_device_that_cannot_be_built_is_an_error_without_a_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FLEET_TEST_PASSWORD", raising=False)
    path = tmp_path / "lab.yaml"
    path.write_text(
        "devices:\n  kvm:\n    target: {backend: pikvm, url: 'https://127.0.0.1:9',"
        " user: admin, password_env: FLEET_TEST_PASSWORD}\n",
        encoding="utf-8",
    )
    devices = list(load_lab_config(path).devices.values())
    (outcome,) = FleetRunner(devices, options(tmp_path, parallel=1)).run()
    assert outcome.verdict == "error" and outcome.attempts == 1
    assert "FLEET_TEST_PASSWORD is not set" in outcome.reason
    assert outcome.bundle_dir is None and not (tmp_path / "runs").exists()
