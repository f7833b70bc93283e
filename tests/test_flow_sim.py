"""The technician flow end to end against the simulated device, one scenario each.

These are the "Done when" cases of the flow issue: real rendering, real OCR and QR decoding,
real key handling by the device model; only time is compressed, and virtual: the device's clock
moves with the flow's sleeps, so no verdict here depends on how fast the machine is.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.config.choice import sim_scenario_expectation
from harness.flow import Expectation, run_flow, sim_flow_settings
from harness.sim.model.clock import VirtualClock
from harness.targets.sim import make_sim_target

pytestmark = pytest.mark.slow

SIZE = (1024, 768)


def _run(
    tmp_path: Path,
    scenario: str,
    expect: str | None = None,
    *,
    windows: int = 10,
    time_scale: float = 120.0,
    overrides: dict | None = None,
    **settings: object,
):
    target = make_sim_target(
        scenario,
        windows=windows,
        size=SIZE,
        time_scale=time_scale,
        overrides=overrides,
        clock=VirtualClock(),
    )
    expectation = sim_scenario_expectation(scenario)
    if expect is not None:
        expectation = Expectation.parse(expect).with_fields(
            profile=expectation.profile,
            organization=expectation.organization,
            user=expectation.user,
            ztd_id=expectation.ztd_id,
        )
    with target:
        return run_flow(
            target,
            expectation,
            out_dir=tmp_path,
            settings=sim_flow_settings(time_scale).replace(**settings),
            windows=windows,
            backend="sim",
        )


def _saved(result) -> dict:
    return json.loads((Path(result.bundle_dir) / "result.json").read_text())


@pytest.mark.parametrize("windows", [10, 11])
def test_success_passes_with_reseal_and_power_off(tmp_path: Path, windows: int) -> None:
    result = _run(tmp_path, "success", windows=windows)
    assert result.verdict == "passed", result.reason
    assert result.result == "green"
    assert result.powered_off_after_reseal is True
    saved = _saved(result)
    assert saved["verdict"] == "passed" and saved["complete"] is True
    assert saved["fields"]["organization"] == "Contoso"
    assert saved["fields"]["ztd_id"] == sim_scenario_expectation("success").ztd_id
    phase_names = [phase["name"] for phase in saved["phases"]]
    assert phase_names[:4] == [
        "power_on_to_oobe",
        "windows_keys_to_options",
        "options_to_configuration",
        "configuration_checks",
    ]
    assert {"provisioning", "result_to_reseal", "reseal_to_power_off"} <= set(phase_names)
    assert all(phase["duration_s"] is not None for phase in saved["phases"])
    assert (Path(result.bundle_dir) / "report.html").is_file()


def test_tpm_failure_expected_red_passes_with_the_code(tmp_path: Path) -> None:
    result = _run(tmp_path, "tpm-attestation-failure", "red:0x800705b4")
    assert result.verdict == "passed", result.reason
    assert result.result == "red"
    assert "0x800705b4" in result.error_codes
    assert result.category == "tpm-attestation"
    assert result.diagnostics, "the diagnostics page was not captured"


def test_tpm_failure_expected_green_fails_naming_colour_and_code(tmp_path: Path) -> None:
    result = _run(tmp_path, "tpm-attestation-failure", "green", windows=11)
    assert result.verdict == "failed"
    assert "expected a green result" in result.reason and "0x800705b4" in result.reason


def test_success_expected_red_fails(tmp_path: Path) -> None:
    result = _run(tmp_path, "success", "red")
    assert result.verdict == "failed"
    assert "expected a red result, the device showed green" in result.reason


def test_wrong_profile_fails_naming_the_field(tmp_path: Path) -> None:
    result = _run(tmp_path, "wrong-profile")
    assert result.verdict == "failed"
    assert "profile" in result.reason and "expected" in result.reason


def test_reseal_without_power_off_fails(tmp_path: Path) -> None:
    result = _run(tmp_path, "reseal-no-poweroff", poweroff_timeout_s=6)
    assert result.verdict == "failed"
    assert "did not power off within 6 s (last screen: oobe)" in result.reason
    assert result.powered_off_after_reseal is False


def test_lost_keys_pass_with_retries_recorded(tmp_path: Path) -> None:
    result = _run(tmp_path, "lost-keys")
    assert result.verdict == "passed", result.reason
    retries = [event for event in result.events if event.kind == "retry"]
    assert retries, "a lossy keyboard must show up as retries"
    assert sum(step.retries for step in result.steps) >= 1 or retries


def test_frozen_screen_is_a_rig_error(tmp_path: Path) -> None:
    result = _run(tmp_path, "frozen-screen")
    assert result.verdict == "error"
    assert "FrozenCapture" in result.reason


def test_update_error_fails_with_the_screen_text(tmp_path: Path) -> None:
    result = _run(tmp_path, "update-error")
    assert result.verdict == "failed"
    assert "Something went wrong" in result.reason


def test_reboot_during_esp_passes_with_the_reboot_in_the_timeline(tmp_path: Path) -> None:
    # Before: the device ran on the wall clock and a slow poll on a loaded machine skipped the
    # short black screen. On the virtual clock the flow looks every 6 simulated seconds.
    result = _run(tmp_path, "reboot-during-esp")
    assert result.verdict == "passed", result.reason
    reboots = [event for event in result.events if event.kind == "reboot"]
    assert reboots, [event.kind for event in result.events]


def test_a_target_that_can_click_gets_its_buttons_clicked(tmp_path: Path) -> None:
    target = make_sim_target(
        "tpm-attestation-failure", size=SIZE, time_scale=120, pointer=True, clock=VirtualClock()
    )
    with target:
        result = run_flow(
            target,
            Expectation.parse("red:0x800705b4"),
            out_dir=tmp_path,
            settings=sim_flow_settings(120),
            windows=10,
        )
    assert result.verdict == "passed", result.reason
    clicked = [event.detail for event in result.events if event.kind == "click"]
    assert any("'Provision'" in detail for detail in clicked), clicked
    assert any("'View diagnostics'" in detail for detail in clicked), clicked
    assert result.diagnostics
