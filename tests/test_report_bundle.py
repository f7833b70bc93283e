"""The run bundle: atomic result.json (even under SIGKILL), finalise, the context manager, logs."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from harness.errors import UsageError
from harness.report import INTERRUPTED_REASON, RunBundle, RunResult, make_run_id
from harness.report.bundle import UNFINALISED_REASON
from harness.report.result import SCHEMA_PATH

REPO = Path(__file__).resolve().parents[1]


def load(bundle_dir: Path) -> dict:
    data = json.loads((bundle_dir / "result.json").read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    return data


def screen(value: int, size: tuple[int, int] = (64, 48)) -> np.ndarray:
    return np.full((size[1], size[0], 3), value, np.uint8)


class TestRunId:
    def test_run_id_is_utc_time_then_slugged_name_parts(self) -> None:
        moment = datetime(2026, 11, 27, 18, 30, 0, tzinfo=UTC)
        assert make_run_id(("sim", "Success!"), moment) == "20261127-183000-sim-success"

    def test_two_bundles_in_the_same_second_get_distinct_folders(self, tmp_path: Path) -> None:
        first = RunBundle(tmp_path, name_parts=("sim",), write_html=False)
        second = RunBundle(tmp_path, name_parts=("sim",), write_html=False)
        assert first.path != second.path
        assert first.path.parent == second.path.parent == tmp_path
        first.close()
        second.close()

    def test_a_given_run_id_is_used_and_never_reused(self, tmp_path: Path) -> None:
        RunBundle(tmp_path, "nightly-01", write_html=False).close()
        assert (tmp_path / "nightly-01" / "result.json").is_file()
        with pytest.raises(UsageError, match="already exists"):
            RunBundle(tmp_path, "nightly-01")

    def test_a_run_id_with_a_path_in_it_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(UsageError, match="letters, digits"):
            RunBundle(tmp_path, "../escape")


class TestInProgressRecord:
    def test_a_fresh_bundle_already_says_interrupted_error(self, tmp_path: Path) -> None:
        bundle = RunBundle(tmp_path, "r1", write_html=False)
        data = load(bundle.path)
        assert data["verdict"] == "error"
        assert data["reason"] == INTERRUPTED_REASON
        assert data["complete"] is False
        assert data["finished_at"] is None
        assert bundle.result.verdict == "running"  # in memory, the truth: still running
        bundle.close()

    def test_every_change_is_on_disk_at_once(self, tmp_path: Path) -> None:
        bundle = RunBundle(tmp_path, "r1", write_html=False)
        start = bundle.monotonic_start
        bundle.set_device("lab-07", "capture+ch9329+redfish", 10, {"image_build": "19045"})
        bundle.set_expectation({"result": "green", "profile": "Kiosk"})
        bundle.add_phase("power-on-to-oobe", start + 1.0, start + 31.25, "two reboots")
        step = bundle.start_step("press-windows-x5", at=start + 31.25)
        assert load(bundle.path)["steps"][0]["ended"] is None
        bundle.end_step(step, "retry", detail="1 lost", retries=1, at=start + 35.0)
        bundle.add_event("reboot", "ESP device phase", at=start + 40.0)
        bundle.set_fields(profile="Kiosk", elapsed_on_screen="00:00:05")
        bundle.set_screen_result("red", ["0x800705b4"], "esp-timeout")
        bundle.set_powered_off_after_reseal(False)
        data = load(bundle.path)
        assert data["device"]["facts"] == {"image_build": "19045"}
        assert data["expectation"]["profile"] == "Kiosk"
        assert data["phases"] == [
            {
                "name": "power-on-to-oobe",
                "start": 1.0,
                "end": 31.25,
                "duration_s": 30.25,
                "detail": "two reboots",
            }
        ]
        assert data["steps"][0]["duration_s"] == 3.75
        assert data["steps"][0]["outcome"] == "retry"
        assert data["events"] == [{"time": 40.0, "kind": "reboot", "detail": "ESP device phase"}]
        assert data["fields"]["profile"] == "Kiosk"
        assert (data["result"], data["error_codes"]) == ("red", ["0x800705b4"])
        assert data["powered_off_after_reseal"] is False
        assert data["verdict"] == "error"  # still not finalised
        bundle.close()

    def test_end_phase_by_name_closes_the_open_phase(self, tmp_path: Path) -> None:
        bundle = RunBundle(tmp_path, "r1", write_html=False)
        bundle.start_phase("provision-to-result", at=bundle.monotonic_start + 2)
        phase = bundle.end_phase("provision-to-result", at=bundle.monotonic_start + 12)
        assert phase.duration_s == 10.0
        with pytest.raises(UsageError, match="no open phase named 'provision-to-result'"):
            bundle.end_phase("provision-to-result")
        bundle.close()

    def test_unknown_fields_and_outcomes_are_refused(self, tmp_path: Path) -> None:
        bundle = RunBundle(tmp_path, "r1", write_html=False)
        with pytest.raises(UsageError, match=r"unknown field.*colour"):
            bundle.set_fields(colour="green")
        step = bundle.start_step("x")
        with pytest.raises(UsageError, match="outcome: expected one of"):
            bundle.end_step(step, "fine")  # type: ignore[arg-type]
        bundle.close()

    def test_screenshots_are_numbered_pngs_in_steps(self, tmp_path: Path) -> None:
        bundle = RunBundle(tmp_path, "r1", write_html=False)
        first = bundle.save_screenshot("OOBE region", screen(10))
        second = bundle.save_screenshot("Configuration / QR", screen(20))
        diagnostic = bundle.save_diagnostic("unknown screen", screen(30))
        assert (first, second) == ("steps/001-oobe-region.png", "steps/002-configuration-qr.png")
        assert diagnostic == "diagnostics/001-unknown-screen.png"
        assert (bundle.path / second).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert load(bundle.path)["diagnostics"] == [diagnostic]
        bundle.close()

    def test_no_temp_file_is_left_behind(self, tmp_path: Path) -> None:
        bundle = RunBundle(tmp_path, "r1", write_html=False)
        for index in range(5):
            bundle.add_event("retry", f"attempt {index}")
        bundle.close()
        assert not [path for path in bundle.path.iterdir() if path.name.endswith(".tmp")]


class TestFinalise:
    def test_finalise_replaces_the_interrupted_record(self, tmp_path: Path) -> None:
        bundle = RunBundle(tmp_path, "r1", write_html=False)
        bundle.finalise("passed", "green; Reseal powered off", result="green")
        data = load(bundle.path)
        assert (data["verdict"], data["reason"], data["complete"]) == (
            "passed",
            "green; Reseal powered off",
            True,
        )
        assert data["finished_at"] >= data["started_at"]
        with pytest.raises(UsageError, match="already finalised"):
            bundle.finalise("failed", "again")
        bundle.close()
        assert load(bundle.path)["verdict"] == "passed"

    def test_running_is_not_a_final_verdict(self, tmp_path: Path) -> None:
        bundle = RunBundle(tmp_path, "r1", write_html=False)
        with pytest.raises(UsageError, match="not running"):
            bundle.finalise("running", "x")
        bundle.close()

    def test_close_without_finalise_is_an_error_verdict(self, tmp_path: Path) -> None:
        bundle = RunBundle(tmp_path, "r1", write_html=False)
        bundle.close()
        data = load(bundle.path)
        assert (data["verdict"], data["reason"], data["complete"]) == (
            "error",
            UNFINALISED_REASON,
            True,
        )

    def test_close_writes_the_html_report(self, tmp_path: Path) -> None:
        with RunBundle(tmp_path, "r1") as bundle:
            bundle.finalise("failed", "wrong organization")
        assert "wrong organization" in (bundle.path / "report.html").read_text(encoding="utf-8")


class TestContextManager:
    def test_an_exception_finalises_as_error_and_is_re_raised(self, tmp_path: Path) -> None:
        with pytest.raises(ConnectionError, match="libvirt went away"):  # noqa: SIM117
            with RunBundle(tmp_path, "r1") as bundle:
                bundle.start_step("boot")
                raise ConnectionError("libvirt went away")
        data = load(bundle.path)
        assert data["verdict"] == "error"
        assert data["reason"] == "ConnectionError: libvirt went away"
        assert data["complete"] is True
        assert len(data["steps"]) == 1
        assert (bundle.path / "report.html").is_file()

    def test_an_exception_after_the_verdict_keeps_it_and_records_an_event(
        self, tmp_path: Path
    ) -> None:
        with pytest.raises(RuntimeError):  # noqa: SIM117
            with RunBundle(tmp_path, "r1", write_html=False) as bundle:
                bundle.finalise("passed", "green")
                raise RuntimeError("cleanup failed")
        data = load(bundle.path)
        assert data["verdict"] == "passed"
        assert data["events"][-1]["kind"] == "exception"
        assert data["events"][-1]["detail"] == "RuntimeError: cleanup failed"

    def test_keyboard_interrupt_is_an_error_too(self, tmp_path: Path) -> None:
        with pytest.raises(KeyboardInterrupt):  # noqa: SIM117
            with RunBundle(tmp_path, "r1", write_html=False) as bundle:
                raise KeyboardInterrupt
        assert load(bundle.path)["reason"] == "KeyboardInterrupt"


class TestLogging:
    def test_secrets_are_masked_in_the_log_and_the_record(self, tmp_path: Path) -> None:
        logger = logging.getLogger("test.report.secrets")
        logger.setLevel(logging.DEBUG)
        bundle = RunBundle(tmp_path, "r1", write_html=False)
        bundle.register_secret("s3cr3t-BMC")
        bundle.attach_logging(logger)
        logger.info("connecting with password %s", "s3cr3t-BMC")
        logger.debug("url https://admin:s3cr3t-BMC@127.0.0.1/redfish")
        try:
            raise PermissionError("login s3cr3t-BMC refused")
        except PermissionError:
            logger.exception("BMC login failed")
        bundle.add_event("power", "redfish auth s3cr3t-BMC")
        bundle.close()
        log_text = (bundle.path / "run.log").read_text(encoding="utf-8")
        assert "connecting with password ******" in log_text
        assert "https://admin:******@127.0.0.1" in log_text
        assert "PermissionError: login ****** refused" in log_text
        assert "s3cr3t-BMC" not in log_text
        assert "s3cr3t-BMC" not in (bundle.path / "result.json").read_text(encoding="utf-8")

    def test_the_handler_is_detached_on_close(self, tmp_path: Path) -> None:
        logger = logging.getLogger("test.report.detach")
        logger.setLevel(logging.INFO)
        bundle = RunBundle(tmp_path, "r1", write_html=False)
        handler = bundle.attach_logging(logger)
        logger.info("during the run")
        bundle.close()
        logger.info("after the run")
        assert handler not in logger.handlers
        log_text = (bundle.path / "run.log").read_text(encoding="utf-8")
        assert "during the run" in log_text
        assert "after the run" not in log_text


CHILD = textwrap.dedent(
    """
    import os, signal, sys, time
    from pathlib import Path
    from harness.report import RunBundle

    bundle = RunBundle(Path(sys.argv[1]), "crashed", record_video=False)
    bundle.set_device("sim-01", "sim", 11)
    for index in range(3):
        step = bundle.start_step(f"step-{index}")
        bundle.end_step(step, "ok", detail="x" * 2000)
    mode = sys.argv[2]
    if mode == "exit":
        os._exit(7)
    if mode == "sigkill":
        os.kill(os.getpid(), signal.SIGKILL)
    print("writing", flush=True)
    while True:  # "busy": killed by the parent while it rewrites result.json
        bundle.add_event("retry", "y" * 5000)
    """
)


def run_child(out_dir: Path, mode: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(out_dir), mode],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


class TestCrash:
    @pytest.mark.parametrize(("mode", "code"), [("exit", 7), ("sigkill", -signal.SIGKILL)])
    def test_a_killed_run_leaves_a_valid_error_record(
        self, tmp_path: Path, mode: str, code: int
    ) -> None:
        child = run_child(tmp_path, mode)
        try:
            assert child.wait(timeout=60) == code
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            if child.stdout is not None:
                child.stdout.close()
        data = load(tmp_path / "crashed")
        assert data["verdict"] == "error"
        assert data["reason"] == INTERRUPTED_REASON
        assert data["complete"] is False
        assert [step["name"] for step in data["steps"]] == ["step-0", "step-1", "step-2"]
        assert RunResult.from_dict(data).device.name == "sim-01"

    def test_sigkill_in_the_middle_of_rewrites_leaves_a_valid_record(self, tmp_path: Path) -> None:
        child = run_child(tmp_path, "busy")
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "writing"
            time.sleep(0.3)
            os.kill(child.pid, signal.SIGKILL)
            assert child.wait(timeout=30) == -signal.SIGKILL
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            if child.stdout is not None:
                child.stdout.close()
        data = load(tmp_path / "crashed")
        assert data["verdict"] == "error"
        assert len(data["steps"]) == 3
        assert len(data["events"]) >= 1


class TestThreads:
    def test_frames_from_a_capture_thread_and_steps_from_the_flow(self, tmp_path: Path) -> None:
        bundle = RunBundle(tmp_path, "threads", write_html=False)

        def capture() -> None:
            for index in range(40):
                bundle.add_frame(screen(index * 6), bundle.monotonic_start + index * 0.1, "esp")

        thread = threading.Thread(target=capture)
        thread.start()
        try:
            for index in range(20):
                bundle.add_event("retry", str(index))
        finally:
            thread.join(timeout=30)
        bundle.close()
        lines = (bundle.path / "timeline.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == 40
        assert all(json.loads(line)["state"] == "esp" for line in lines)
        assert len(load(bundle.path)["events"]) == 20
