"""The flow's state machine over the real device model, on a virtual clock, without pixels or
OCR (oracle vision, tests/flow_fakes.py): verdicts, reasons, retries, timings and the bundle.

Nothing here reads the wall clock: simulated time only moves with the flow's own sleeps.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.config.choice import sim_scenario_expectation
from tests.flow_sweep import bundle_run as _run


@pytest.mark.parametrize("windows", [10, 11])
def test_success(tmp_path: Path, windows: int) -> None:
    result = _run(tmp_path, "success", windows=windows)
    assert (result.verdict, result.result) == ("passed", "green"), result.reason
    assert result.powered_off_after_reseal is True
    assert [step.name for step in result.steps] == [
        "power-on",
        "open-options",
        "select-provisioning",
        "check-configuration",
        "provision",
        "read-result",
        "reseal",
    ]
    assert result.fields.ztd_id == sim_scenario_expectation("success").ztd_id
    phases = {phase.name: phase for phase in result.phases}
    # Simulated time is the bundle's time: the ESP took its simulated minutes, not host speed.
    assert phases["provisioning"].duration_s > 5


@pytest.mark.parametrize("windows", [10, 11])
def test_tpm_failure_expected_red(tmp_path: Path, windows: int) -> None:
    result = _run(tmp_path, "tpm-attestation-failure", "red:0x800705b4", windows=windows)
    assert result.verdict == "passed", result.reason
    assert result.error_codes == ["0x800705b4"]
    assert result.diagnostics, "diagnostics page screenshot"


def test_tpm_failure_expected_green_fails(tmp_path: Path) -> None:
    result = _run(tmp_path, "tpm-attestation-failure", "green")
    assert result.verdict == "failed"
    assert result.reason == ("expected a green result, the device showed red (0x800705b4)")


def test_red_with_another_code_fails(tmp_path: Path) -> None:
    result = _run(tmp_path, "reenrollment-blocked", "red:0x800705b4")
    assert result.verdict == "failed"
    assert "unexpected code(s) 0x80180014" in result.reason


def test_esp_timeout_red(tmp_path: Path) -> None:
    # The stuck app keeps the ESP content still for an hour; its progress dots keep moving.
    result = _run(tmp_path, "esp-timeout", "red")
    assert result.verdict == "passed", result.reason
    assert result.result == "red"


def test_esp_over_the_harness_limit_fails(tmp_path: Path) -> None:
    result = _run(tmp_path, "success", esp_timeout_s=0.5)
    assert result.verdict == "failed"
    assert "did not finish within" in result.reason


def test_wrong_profile_names_the_field(tmp_path: Path) -> None:
    result = _run(tmp_path, "wrong-profile")
    assert result.verdict == "failed"
    assert result.reason.startswith("configuration screen shows profile ")
    assert "expected" in result.reason


def test_reseal_without_power_off(tmp_path: Path) -> None:
    result = _run(tmp_path, "reseal-no-poweroff", poweroff_timeout_s=3)
    assert result.verdict == "failed"
    assert "did not power off within 3 s (last screen: oobe)" in result.reason
    assert result.powered_off_after_reseal is False


def test_lost_keys_recorded_as_retries(tmp_path: Path) -> None:
    result = _run(tmp_path, "lost-keys", overrides={"drop_fraction": 0.4})
    assert result.verdict == "passed", result.reason
    assert any(event.kind == "retry" for event in result.events)


def test_frozen_screen_is_an_error(tmp_path: Path) -> None:
    result = _run(tmp_path, "frozen-screen")
    assert result.verdict == "error"
    assert "FrozenCapture" in result.reason and "froze" in result.reason


def test_update_error_fails_with_screen_text(tmp_path: Path) -> None:
    result = _run(tmp_path, "update-error")
    assert result.verdict == "failed"
    assert "Something went wrong" in result.reason


def test_reboot_during_esp_in_timeline(tmp_path: Path) -> None:
    result = _run(tmp_path, "reboot-during-esp")
    assert result.verdict == "passed", result.reason
    assert [event.kind for event in result.events].count("reboot") == 2  # black, then back
    provision = next(step for step in result.steps if step.name == "provision")
    assert provision.detail.startswith("1 reboot(s) seen")


def test_refresh_rechecks_the_configuration(tmp_path: Path) -> None:
    result = _run(tmp_path, "success", refresh=True)
    assert result.verdict == "passed", result.reason
    step = next(step for step in result.steps if step.name == "check-configuration")
    assert "after Refresh" in step.detail


def test_keys_that_never_arrive_are_a_rig_error(tmp_path: Path) -> None:
    result = _run(
        tmp_path,
        "lost-keys",
        overrides={"drop_fraction": 0.99},
        windows_key_rounds=2,
        extra_windows_presses=2,
    )
    assert result.verdict == "error"
    assert "keys are not reaching the device" in result.reason


def test_the_failing_step_carries_its_last_frame_and_observation(tmp_path: Path) -> None:
    # Before: only a step that succeeded got its screenshot.
    result = _run(tmp_path, "wrong-profile")
    failing = result.steps[-1]
    assert (failing.name, failing.outcome) == ("check-configuration", "failed")
    assert failing.screenshot and failing.screen_state == "configuration"
    bundle = Path(result.bundle_dir)
    assert (bundle / failing.screenshot).is_file()
    saved = json.loads((bundle / failing.screenshot).with_suffix(".json").read_text())
    assert saved["observation"]["state"] == "configuration"
    assert saved["observation"]["fields"]["profile"] == "Autopilot User-Driven"
