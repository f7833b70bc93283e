"""``harness run`` as a user calls it: exit codes, the summary, a bundle that survives a kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.cli.main import main
from harness.report import write_html_report

pytestmark = pytest.mark.slow

HARNESS = [sys.executable, "-m", "harness.cli.main"]


def test_default_run_passes_and_prints_progress(tmp_path: Path, capsys) -> None:
    code = main(["run", "--out", str(tmp_path), "--size", "1024x768", "--time-scale", "120"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "screen: options" in out
    assert "verdict: PASSED" in out
    assert "report:" in out


def test_expect_red_on_success_exits_1(tmp_path: Path, capsys) -> None:
    code = main(
        [
            *("run", "--expect", "red", "--out", str(tmp_path)),
            *("--size", "1024x768", "--quiet", "--time-scale", "120"),
        ]
    )
    assert code == 1
    assert "verdict: FAILED" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["run", "--expect", "purple"], "--expect"),
        (["run", "--size", "big"], "--size"),
        (["run", "--scenario", "no-such-scenario"], "no-such-scenario"),
        (["run", "--device", "x"], "--device"),
    ],
)
def test_bad_usage_exits_3_with_a_clear_message(argv, message, capsys) -> None:
    assert main(argv) == 3
    assert message in capsys.readouterr().err


def test_bad_lab_file_names_file_and_key(tmp_path: Path, capsys) -> None:
    lab = tmp_path / "lab.yaml"
    lab.write_text("devices:\n  d1:\n    target: {backend: warp-drive}\n")
    assert main(["run", "--config", str(lab), "--device", "d1"]) == 3
    err = capsys.readouterr().err
    assert str(lab) in err and "target.backend" in err and "warp-drive" in err


def _wait_for(path_glob: Path, pattern: str, timeout_s: float) -> Path:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = sorted(path_glob.glob(pattern))
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"nothing matched {pattern} in {path_glob}")


@pytest.mark.parametrize("how", ["kill", "interrupt"])
def test_a_run_stopped_halfway_leaves_a_valid_bundle(tmp_path: Path, how: str) -> None:
    command = [*HARNESS, "run", "--out", str(tmp_path), "--size", "1024x768", "--time-scale", "5"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        result_file = _wait_for(tmp_path, "*/result.json", 30)
        # Wait until the flow is past the options dialog, so there is something to keep.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            steps = json.loads(result_file.read_text()).get("steps", [])
            if len(steps) >= 3:
                break
            time.sleep(0.2)
        if how == "kill":
            os.kill(process.pid, signal.SIGKILL)
        else:
            os.kill(process.pid, signal.SIGINT)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
    saved = json.loads(result_file.read_text())
    assert saved["verdict"] == "error"
    assert len(saved["steps"]) >= 3
    assert saved["schema_version"] == 1
    if how == "interrupt":
        assert process.returncode == 2
        assert "interrupted" in saved["reason"]
        assert saved["complete"] is True
    else:
        assert saved["complete"] is False
        assert "interrupted" in saved["reason"]
        # A SIGKILLed run wrote no report; its bundle still renders into one.
        page = write_html_report(result_file.parent).read_text(encoding="utf-8")
        assert "interrupted" in page and saved["steps"][-1]["name"] in page
    screenshots = list((result_file.parent / "steps").glob("*.png"))
    assert screenshots
