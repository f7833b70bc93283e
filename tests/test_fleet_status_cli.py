"""``harness fleet status`` and ``harness fleet recheck`` on a lab file of simulated devices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli.main import main
from harness.fleet.store import FleetStore
from tests.fleet_doubles import run_result

pytestmark = pytest.mark.fleet

LAB = """
devices:
  sim-a:
    target: {backend: sim, scenario: success}
  sim-b:
    target: {backend: sim, scenario: success}
  sim-dead-keyboard:
    # The simulated screen and power, and a CH9329 on a port that does not exist.
    target: {backend: sim, scenario: success}
    keyboard: {backend: ch9329, port: /dev/does-not-exist-ch9329}
"""


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    path = tmp_path / "lab.yaml"
    path.write_text(LAB)
    return path


def test_recheck_releases_the_healthy_and_keeps_the_broken(
    lab: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    store = FleetStore.open(url)
    store.quarantine("sim-a", "3 consecutive rig errors (last: no frames)")
    store.quarantine("sim-dead-keyboard", "health check failed: keyboard")
    store.quarantine("gone-device", "not in this lab file")
    store.close()

    code = main(["fleet", "recheck", "--config", str(lab), "--db", url])
    out = capsys.readouterr().out
    assert code == 2
    assert "sim-a: healthy, released from quarantine" in out
    assert "sim-dead-keyboard: still quarantined: keyboard: CH9329 on /dev/does-not-exist" in out
    assert "gone-device" not in out

    store = FleetStore.open(url)
    assert store.quarantined_devices() == ["gone-device", "sim-dead-keyboard"]
    assert store.lease_holder("sim-a") is None, "the recheck's lease was released"
    store.close()

    assert main(["fleet", "recheck", "--config", str(lab), "--db", url, "--devices", "sim-a"]) == 0
    assert capsys.readouterr().out == "sim-a: not quarantined, not checked\n"


def test_recheck_refuses_a_device_not_in_the_lab_file(
    lab: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    code = main(["fleet", "recheck", "--config", str(lab), "--db", url, "--devices", "nope"])
    assert code == 3
    assert "--devices: no device nope in the lab file" in capsys.readouterr().err


def test_status_lists_lab_devices_then_others_the_database_knows(
    lab: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    store = FleetStore.open(url)
    store.record_run("sim-b", "rig-1", {}, run_result("failed"))
    store.record_health("sim-b", True, "")
    store.quarantine("old-laptop", "sent for repair")
    assert store.acquire_lease("sim-a", "rig-2:42", ttl_s=3600) is not None
    store.close()

    assert main(["fleet", "status", "--config", str(lab), "--db", url, "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["device"] for row in rows] == ["sim-a", "sim-b", "sim-dead-keyboard", "old-laptop"]
    assert rows[0]["lease_holder"] == "rig-2:42"
    assert (rows[1]["health_ok"], rows[1]["last_verdict"]) == (True, "failed")
    assert rows[2]["health_ok"] is None
    assert (rows[3]["quarantined"], rows[3]["quarantine_reason"]) == (True, "sent for repair")

    assert main(["fleet", "status", "--config", str(lab), "--db", url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["DEVICE", "HEALTH", "QUARANTINE", "LEASE", "LAST", "RUN"]
    assert lines[2].startswith("sim-b") and "failed 2026-11-27 19:12:30Z" in lines[2]
    assert "YES sent for repair" in lines[4]


def test_the_default_database_is_beside_the_runs_folder(
    lab: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = tmp_path / "nightly" / "runs"
    assert main(["fleet", "status", "--config", str(lab), "--out", str(runs)]) == 0
    assert (tmp_path / "nightly" / "fleet.db").is_file()


def test_fleet_without_a_subcommand_shows_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fleet"]) == 3
    assert "recheck" in capsys.readouterr().err
