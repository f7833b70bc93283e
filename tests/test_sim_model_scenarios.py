"""Every named scenario of the simulated device, driven by key presses with a manual clock."""

from __future__ import annotations

import pytest

from harness.sim.model import SCENARIOS, scenario
from harness.sim.model.samples import DeviceWalker


def esp_substeps(view) -> dict[str, str]:
    """Sub-step statuses of the two device phases (Account setup repeats some of the names)."""
    phases = view.data["phases"][:2]
    return {sub["name"]: sub["status"] for phase in phases for sub in phase["substeps"]}


def phase_status(view) -> dict[str, str]:
    return {phase["name"]: phase["status"] for phase in view.data["phases"]}


def until_esp_shows(walker: DeviceWalker, text: str, limit_s: float = 10_000.0):
    waited = 0.0
    while waited < limit_s:
        view = walker.device.view()
        if view.screen == "esp" and text in repr(view.data):
            return view
        walker.clock.advance(1.0)
        waited += 1.0
    raise AssertionError(f"the ESP never showed {text!r}")


def test_every_scenario_is_listed_with_its_name() -> None:
    assert set(SCENARIOS) == {
        "success", "tpm-attestation-failure", "esp-timeout", "reenrollment-blocked",
        "reseal-no-poweroff", "lost-keys", "frozen-screen", "wrong-profile",
        "reboot-during-esp", "update-error", "stuck-esp", "capture-frozen", "capture-cut",
        "power-unreadable", "reseal-key-lost",
    }  # fmt: skip
    for name, value in SCENARIOS.items():
        assert value.name == name
        assert value.description


def test_tpm_failure_shows_the_code_on_the_esp_but_not_on_the_red_screen() -> None:
    walker = DeviceWalker("tpm-attestation-failure")
    walker.to_esp()
    failed = until_esp_shows(walker, "Failed: 0x800705b4")
    steps = esp_substeps(failed)
    assert steps["Securing your hardware"] == "Failed: 0x800705b4"
    assert steps["Joining your organization's network"] == "Previous step failed"
    assert steps["Preparing your device for mobile management"] == "Previous step failed"
    assert phase_status(failed) == {
        "Device preparation": "Failed",
        "Device setup": "Previous step failed",
        "Account setup": "Previous step failed",
    }
    assert [p["expanded"] for p in failed.data["phases"]] == [True, False, False]
    red = walker.wait_for("failure")
    assert "0x800705b4" not in repr(red.data)
    assert red.data["message"] == (
        "For more details, select View diagnostics. "
        "To factory reset this device and start over, select Reset."
    )
    assert red.data["buttons"] == ["Retry", "Reset"]
    assert red.data["links"] == ["View diagnostics"]
    assert red.data["user"] == "adele.vance@contoso.com"


def test_windows_10_red_view_diagnostics_by_keyboard_then_close() -> None:
    walker = DeviceWalker("tpm-attestation-failure")
    assert walker.to_result().data["focus"] == "Retry"
    walker.press("tab")
    assert walker.device.view().data["focus"] == "Reset"
    walker.press("tab")
    assert walker.device.view().data["focus"] == "View diagnostics"
    walker.press("enter")
    page = walker.device.view()
    assert page.screen == "diagnostics"
    assert page.data["buttons"] == ["Close", "Export logs"]
    rows = {row["label"]: row for section in page.data["sections"] for row in section["rows"]}
    assert rows["Securing your hardware"]["state"] == "failed"
    assert "0x800705b4" in rows["Securing your hardware"]["detail"]
    assert rows["Joining your organization's network"]["state"] == "warning"
    walker.press("tab")
    walker.press("enter")
    assert walker.device.events[-1][1] == "export-logs"
    walker.press("tab")
    walker.press("enter")
    assert walker.device.view().screen == "failure"


def test_windows_11_red_ctrl_shift_d_opens_diagnostics() -> None:
    walker = DeviceWalker("tpm-attestation-failure", windows=11)
    red = walker.to_result()
    assert red.data["links"] == []
    assert red.data["qr_payload"] is None
    walker.press("d")
    assert walker.device.view().screen == "failure"
    walker.press("d", "leftctrl", "leftshift")
    page = walker.device.view()
    assert page.screen == "diagnostics"
    assert page.data["title"] == "Windows Autopilot diagnostics"
    walker.press("esc")
    assert walker.device.view().screen == "failure"


def test_reset_on_red_restarts_through_firmware_to_oobe() -> None:
    walker = DeviceWalker("tpm-attestation-failure")
    walker.to_result()
    walker.press("tab")  # Retry -> Reset
    walker.press("enter")
    assert walker.device.view().screen == "black"
    assert walker.device.powered
    walker.wait_for("firmware", limit_s=10)
    walker.wait_for("oobe-region", limit_s=60)


def test_retry_on_red_runs_the_esp_again() -> None:
    walker = DeviceWalker("tpm-attestation-failure")
    walker.to_result()
    walker.press("enter")
    assert walker.device.view().screen == "esp"
    walker.wait_for("failure")


def test_reenrollment_blocked_fails_while_registering() -> None:
    walker = DeviceWalker("reenrollment-blocked")
    walker.to_esp()
    failed = until_esp_shows(walker, "Failed: 0x80180014")
    steps = esp_substeps(failed)
    assert steps["Securing your hardware"] == "Complete"
    assert steps["Joining your organization's network"] == "Complete"
    assert steps["Registering your device for mobile management"] == "Failed: 0x80180014"
    assert steps["Preparing your device for mobile management"] == "Previous step failed"
    walker.wait_for("failure")
    assert walker.device.scenario.expectation["category"] == "enrollment"


def test_esp_timeout_holds_an_app_then_goes_red_at_the_limit() -> None:
    walker = DeviceWalker("esp-timeout", overrides={"esp_timeout_s": 1200.0})
    walker.to_esp()
    stuck = until_esp_shows(walker, "4 of 8 installed")
    walker.clock.advance(500)
    still = walker.device.view()
    assert esp_substeps(still)["Apps"] == "4 of 8 installed"
    assert phase_status(still)["Device setup"] == "Working on it..."
    assert stuck.data["subtitle"] == still.data["subtitle"]
    timed_out = until_esp_shows(walker, "Failed: 0x800705b4")
    assert esp_substeps(timed_out)["Apps"] == "Failed: 0x800705b4"
    assert phase_status(timed_out)["Device setup"] == "Failed"
    assert "time allotted" in timed_out.data["subtitle"]
    red = walker.wait_for("failure")
    assert red.data["elapsed"] == "0 h 23 min"  # 1200 s to the timeout + 180 s on the ESP
    assert walker.device.scenario.expectation["category"] == "esp-timeout"


def test_a_slow_success_also_times_out() -> None:
    walker = DeviceWalker("success", overrides={"esp_timeout_s": 300.0})
    walker.to_esp()
    walker.wait_for("failure")


def test_reseal_no_poweroff_reboots_to_oobe_and_stays_on() -> None:
    walker = DeviceWalker("reseal-no-poweroff")
    walker.to_result()
    walker.press("enter")
    walker.wait_for("firmware", limit_s=30)
    walker.wait_for("oobe-region", limit_s=60)
    walker.clock.advance(3600)
    assert walker.device.view().screen == "oobe-region"
    assert walker.device.powered
    assert walker.device.scenario.expectation["powers_off"] is True


def test_lost_keys_drops_the_configured_fraction_reproducibly() -> None:
    def dropped(seed: int) -> list[bool]:
        walker = DeviceWalker("lost-keys", overrides={"seed": seed})
        walker.device.power_on()
        walker.clock.advance(walker.device.scenario.boot_s)
        return [not walker.device.press("tab") for _ in range(2000)]

    first = dropped(7)
    assert first == dropped(7)
    assert first != dropped(8)
    assert 0.27 < sum(first) / len(first) < 0.33
    assert SCENARIOS["success"].drop_fraction == 0.0


def test_lost_keys_records_what_was_dropped_and_can_cost_the_windows_series() -> None:
    walker = DeviceWalker("lost-keys", overrides={"drop_fraction": 0.5, "seed": 1})
    walker.to_first_page()
    results = [walker.device.press("leftsuper") for _ in range(5)]
    dropped = [what for _, what in walker.device.events if what.startswith("key-dropped")]
    assert 0 < len(dropped) == results.count(False)
    assert dropped[0] == "key-dropped leftsuper"
    assert walker.device.view().screen == "oobe-region"


def test_frozen_screen_sets_frozen_during_the_esp_until_power_off() -> None:
    walker = DeviceWalker("frozen-screen")
    walker.to_esp()
    assert walker.device.view().frozen is False
    walker.clock.advance(61)
    frozen = walker.device.view()
    assert frozen.frozen is True
    walker.wait_for("success")
    assert walker.device.view().frozen is True
    walker.device.power_off()
    assert walker.device.view().frozen is False


def test_wrong_profile_shows_another_profile_than_expected() -> None:
    walker = DeviceWalker("wrong-profile")
    configuration = walker.to_configuration()
    expected = walker.device.scenario.expectation
    assert configuration.data["profile"] == "Autopilot User-Driven"
    assert expected["profile"] == "Autopilot Pre-provisioning"
    assert configuration.data["organization"] == expected["organization"]


def test_reboot_during_esp_passes_through_black_and_firmware() -> None:
    walker = DeviceWalker("reboot-during-esp")
    walker.to_esp()
    until_esp_shows(walker, "Identifying")
    walker.wait_for("black", limit_s=2000)
    assert walker.device.press("enter") is False  # nobody listens during the reboot
    walker.wait_for("firmware", limit_s=10)
    after = walker.wait_for("esp", limit_s=60)
    assert phase_status(after)["Device preparation"] == "Complete"
    assert phase_status(after)["Device setup"] == "Working on it..."
    walker.wait_for("success")
    seen = [what for _, what in walker.device.events if what.startswith(("screen", "reboot"))]
    assert seen[-6:] == [
        "screen esp", "reboot esp", "screen black", "screen firmware", "screen esp",
        "screen success",
    ]  # fmt: skip


def test_update_error_once_then_the_options_work() -> None:
    walker = DeviceWalker("update-error")
    walker.to_options()
    walker.press("down")
    walker.press("enter")
    problem = walker.device.view()
    assert problem.screen == "something-went-wrong"
    assert problem.data["title"] == "Something went wrong"
    assert problem.data["code"] == "OOBEZDP"
    assert problem.data["buttons"] == ["Try again", "Skip"]
    assert problem.data["focus"] == "Try again"
    walker.press("enter")
    assert walker.device.view().screen == "oobe-region"
    for _ in range(5):
        walker.press("leftsuper")
    walker.press("down")
    walker.press("enter")
    assert walker.device.view().screen == "configuration"


def test_overrides_change_parameters() -> None:
    custom = scenario("success", {"organization": "Fabrikam", "user": None, "windows": 11})
    assert custom.organization == "Fabrikam"
    assert custom.name == "success"
    walker = DeviceWalker(
        "success", windows=11, overrides={"organization": "Fabrikam", "user": None}
    )
    green = walker.to_result()
    assert green.data["organization"] == "Fabrikam"
    assert green.data["user"] == "Not assigned"
    assert walker.device.scenario.expectation["organization"] == "Fabrikam"


def test_unknown_override_names_the_key_and_the_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"'organisation'.*valid: .*organization.*tpm_s"):
        scenario("success", {"organisation": "Contoso"})


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"windows": 12}, "windows must be one of"),
        ({"first_page": "esp"}, "first_page must be one of"),
        ({"failure_step": "Apps installing"}, "failure_step must be one of"),
        ({"drop_fraction": 1.0}, "drop_fraction"),
        ({"stuck_app": 9}, "stuck_app"),
        ({"freeze_on": "blue-screen"}, "freeze_on must be one of"),
        ({"tpm_s": "sixty"}, "'tpm_s' must be float"),
        ({"app_count": 2.5}, "'app_count' must be int"),
        ({"reseal_powers_off": 1}, "'reseal_powers_off' must be bool"),
        ({"organization": 7}, "'organization' must be str | None"),
        ({"ztd_id": None}, "'ztd_id' cannot be None"),
    ],
)
def test_bad_override_values_are_refused(overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        scenario("success", overrides)
