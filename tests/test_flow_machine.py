"""The flow's state machine over the real device model, without pixels or OCR (fast).

Every scenario of the simulated device, driven by the real key handling; the verdicts, reasons,
retries and timings the flow records are asserted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config.choice import SIM_FLOW, sim_scenario_expectation
from harness.flow import Expectation, run_flow
from harness.targets.sim import make_sim_target
from tests.flow_fakes import ViewPainter, ViewVision

FAST = SIM_FLOW.replace(
    poll_interval_s=0.02,
    options_wait_s=0.5,
    windows_key_pacing_s=0.02,
    key_hold_s=0.0,
    frozen_screen_s=3,
    poweroff_timeout_s=3,
    esp_timeout_s=30,
)


def _run(
    tmp_path: Path,
    scenario: str,
    expect: str | None = None,
    *,
    windows: int = 10,
    overrides: dict | None = None,
    **settings,
):
    painter = ViewPainter()
    target = make_sim_target(
        scenario, windows=windows, time_scale=600.0, overrides=overrides, render_bgr=painter
    )
    expectation = sim_scenario_expectation(scenario)
    if expect:
        expectation = Expectation.parse(expect).with_fields(
            profile=expectation.profile,
            organization=expectation.organization,
            user=expectation.user,
            ztd_id=expectation.ztd_id,
        )
    return run_flow(
        target,
        expectation,
        out_dir=tmp_path,
        settings=FAST.replace(**settings),
        vision=ViewVision(painter),
        windows=windows,
        backend="sim",
    )


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
    # The stuck app keeps the ESP picture still for a while, as on a real device.
    result = _run(tmp_path, "esp-timeout", "red", frozen_screen_s=30)
    assert result.verdict == "passed", result.reason
    assert result.result == "red"


def test_esp_over_the_harness_limit_fails(tmp_path: Path) -> None:
    result = _run(tmp_path, "success", esp_timeout_s=0.5, frozen_screen_s=60)
    assert result.verdict == "failed"
    assert "did not finish within" in result.reason


def test_wrong_profile_names_the_field(tmp_path: Path) -> None:
    result = _run(tmp_path, "wrong-profile")
    assert result.verdict == "failed"
    assert result.reason.startswith("configuration screen shows profile ")
    assert "expected" in result.reason


def test_reseal_without_power_off(tmp_path: Path) -> None:
    result = _run(tmp_path, "reseal-no-poweroff")
    assert result.verdict == "failed"
    assert "did not power off within 3 s" in result.reason
    assert result.powered_off_after_reseal is False


def test_lost_keys_recorded_as_retries(tmp_path: Path) -> None:
    result = _run(tmp_path, "lost-keys", overrides={"drop_fraction": 0.4})
    assert result.verdict == "passed", result.reason
    assert any(event.kind == "retry" for event in result.events)


def test_frozen_screen_is_an_error(tmp_path: Path) -> None:
    result = _run(tmp_path, "frozen-screen")
    assert result.verdict == "error"
    assert (
        "froze" in result.reason or "did not change" in result.reason or "stayed" in result.reason
    )


def test_update_error_fails_with_screen_text(tmp_path: Path) -> None:
    result = _run(tmp_path, "update-error")
    assert result.verdict == "failed"
    assert "Something went wrong" in result.reason


def test_reboot_during_esp_in_timeline(tmp_path: Path) -> None:
    result = _run(tmp_path, "reboot-during-esp")
    assert result.verdict == "passed", result.reason
    assert any(event.kind == "reboot" for event in result.events)


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
