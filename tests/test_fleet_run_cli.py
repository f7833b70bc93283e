"""``harness fleet run`` as a user runs it: the example lab's simulated devices, their verdicts,
the exit code, the summary, the progress lines of a CI log, the JUnit file, and Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.cli.main import main
from harness.fleet.db.engine import default_database_url
from harness.fleet.store import FleetStore

pytestmark = pytest.mark.fleet

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "fixtures" / "lab.example.yaml"
# What each simulated device of the example must end with (the scenario and the expectation
# in the lab file decide it; see the comments there).
VERDICTS = {
    "sim-demo": "passed",
    "sim-vm-like": "passed",
    "sim-wrong-profile": "failed",
    "sim-update-error": "failed",
    "sim-esp-timeout": "failed",
    "sim-capture-frozen": "error",
}


def fleet_command(*options: str, out: Path) -> list[str]:
    return [
        sys.executable, "-m", "harness.cli.main", "fleet", "run", "--config", str(EXAMPLE),
        "--out", str(out), "--host", "ci-runner", *options,
    ]  # fmt: skip


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }


def test_the_example_sim_devices_end_with_their_verdicts(tmp_path: Path) -> None:
    junit = tmp_path / "fleet.xml"
    command = fleet_command(
        "--devices", "tag:sim", "--parallel", "3", "--sim-pace", "0", "--junit", str(junit),
        out=tmp_path / "runs",
    )  # fmt: skip
    finished = subprocess.run(
        command, cwd=ROOT, env=environment(), capture_output=True, text=True, timeout=600
    )
    out = finished.stdout
    assert finished.returncode == 2, out + finished.stderr  # one device ended in error
    assert "Traceback" not in finished.stderr
    # Not a TTY: plain progress lines, then the summary.
    for name in VERDICTS:
        assert f"] {name}: started" in out and f"] {name}: open-options" in out
    summary = out.split("\nsummary:\n", 1)[1]
    for name, verdict in VERDICTS.items():
        line = next(line for line in summary.splitlines() if line.strip().startswith(name + " "))
        assert verdict.upper() in line, line
    assert "6 devices: 2 passed, 3 failed, 1 error, 0 skipped" in summary
    # JUnit: one testcase per device, failure / error as JUnit means them.
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("hostname") == "ci-runner"
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == set(VERDICTS)
    for name, verdict in VERDICTS.items():
        tags = {child.tag for child in cases[name]}
        expected = {"passed": set(), "failed": {"failure"}, "error": {"error"}}[verdict]
        assert tags & {"failure", "error", "skipped"} == expected, name
        properties = {p.get("name"): p.get("value") for p in cases[name].iter("property")}
        assert properties["verdict"] == verdict and properties["device"] == name
        first_line = (cases[name].findtext("system-out") or "").splitlines()[0]
        bundle = Path(first_line.removeprefix("bundle: "))
        saved = json.loads((bundle / "result.json").read_text(encoding="utf-8"))
        assert saved["verdict"] == verdict and saved["device"]["name"] == name
    windows = {json.loads((b / "result.json").read_text())["device"]["windows"]
               for b in (tmp_path / "runs").iterdir()}  # fmt: skip
    assert windows == {10, 11}
    # The runs database beside the runs folder: every run, the rig error retried once after a
    # passing health check (a failed verdict never is), each device healthy before its run.
    store = FleetStore.open(default_database_url(tmp_path / "runs"))
    try:
        attempts = sorted((run.device, run.attempt, run.verdict) for run in store.runs())
        status = {row.device: row for row in store.status()}
    finally:
        store.close()
    assert attempts == sorted(
        [(name, 1, verdict) for name, verdict in VERDICTS.items()]
        + [(name, 2, verdict) for name, verdict in VERDICTS.items() if verdict == "error"]
    )
    assert all(status[name].health_ok for name in VERDICTS)
    assert all(status[name].lease_holder is None for name in VERDICTS)  # every lease freed


def test_ctrl_c_finalises_every_run_in_flight(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    command = fleet_command(
        "--devices", "sim-demo,sim-esp-timeout,sim-capture-frozen", "--parallel", "2", out=runs
    )  # paced as a person watches: the runs are still going when SIGINT comes
    child = subprocess.Popen(
        command, cwd=ROOT, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        started: set[str] = set()
        assert child.stdout is not None
        for line in child.stdout:  # wait for both runs to be inside the flow, not for a time
            if line.rstrip().endswith(": open-options"):
                started.add(line.split("] ", 1)[1].split(":", 1)[0])
            if len(started) == 2:
                break
        assert started == {"sim-demo", "sim-esp-timeout"}
        child.send_signal(signal.SIGINT)
        rest, errors = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 130, rest + errors
    assert "Traceback" not in errors and "interrupted" in errors
    bundles = sorted(runs.iterdir())
    assert len(bundles) == 2  # the third device never started
    for bundle in bundles:
        saved = json.loads((bundle / "result.json").read_text(encoding="utf-8"))
        assert saved["verdict"] == "error"
        assert saved["reason"] == "interrupted by the operator (Ctrl-C)"
        assert (bundle / "report.html").is_file()
    assert "SKIPPED" in rest and "3 devices: 0 passed, 0 failed, 2 error, 1 skipped" in rest


@pytest.mark.parametrize(
    "options, message",
    [
        (["--devices", "sim-dem"], "no device 'sim-dem'"),
        (["--devices", "tag:weekly"], "'tag:weekly' matches no device"),
        (["--devices", "laptop-07", "--host", "rig-09"], "no selected device is wired to"),
        (["--parallel", "0"], "expected a whole number >= 1"),
    ],
)
def test_a_bad_selection_is_exit_3_naming_it(
    options: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["fleet", "run", "--config", str(EXAMPLE), "--out", str(tmp_path), *options]
    assert main(argv) == 3
    assert message in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
