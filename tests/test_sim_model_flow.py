"""The simulated device walked through the technician flow by key presses (manual clock)."""

from __future__ import annotations

import pytest

from harness.sim.model import ManualClock, SimDevice
from harness.sim.model.samples import DeviceWalker


def screens(device: SimDevice) -> list[str]:
    return [what.split(" ", 1)[1] for _, what in device.events if what.startswith("screen ")]


def test_power_on_shows_firmware_then_the_first_oobe_page() -> None:
    clock = ManualClock()
    device = SimDevice("success", clock=clock)
    assert device.view().screen == "off"
    assert not device.powered
    device.power_on()
    assert device.powered
    assert device.view().screen == "firmware"
    clock.advance(device.scenario.boot_s)
    view = device.view()
    assert view.screen == "oobe-region"
    assert view.data["title"] == "Let's start with region. Is this right?"


def test_success_walk_windows_10_ends_powered_off() -> None:
    walker = DeviceWalker("success", windows=10)
    walker.to_first_page()
    for _ in range(5):
        walker.press("leftsuper")
    options = walker.device.view()
    assert options.screen == "options"
    assert options.data["selected"] == 0
    assert options.data["tiles"][1]["title"] == "Windows Autopilot provisioning"
    assert options.data["buttons"] == ["Continue"]
    walker.press("down")
    assert walker.device.view().data["selected"] == 1
    walker.press("tab")
    assert walker.device.view().data["focus"] == "Continue"
    walker.press("enter")
    configuration = walker.device.view()
    assert configuration.screen == "configuration"
    assert configuration.data["buttons"] == ["Refresh", "Provision"]
    assert configuration.data["focus"] == "Provision"
    walker.press("enter")
    assert walker.device.view().screen == "esp"
    success = walker.wait_for("success")
    assert success.data["elapsed"] == "0 h 9 min"
    assert success.data["buttons"] == ["Reseal"]
    assert success.data["message"].startswith("Print welcome letter and shipping label")
    assert '"ZtdId":"6f1c2a9e-4b7d-4c3e-9a51-2d8e0b7f3c64"' in success.data["qr_payload"]
    walker.press("enter")
    walker.wait_for("off", limit_s=walker.device.scenario.shutdown_s + 1)
    assert not walker.device.powered
    assert screens(walker.device) == [
        "firmware", "oobe-region", "options", "configuration", "esp", "success", "black", "off",
    ]  # fmt: skip


def test_windows_11_texts_and_no_qr_on_the_result() -> None:
    walker = DeviceWalker("success", windows=11)
    assert walker.to_first_page().data["title"] == "Is this the right country or region?"
    options = walker.to_options()
    assert options.data["tiles"][1]["title"] == "Pre-provision with Windows Autopilot"
    assert options.data["buttons"] == ["Next"]
    walker.press("down")
    walker.press("enter")
    configuration = walker.device.view()
    assert configuration.data["title"] == "Pre-provision with Windows Autopilot"
    assert configuration.data["buttons"] == ["Refresh", "Next"]
    walker.press("enter")
    assert walker.wait_for("success").data["qr_payload"] is None


def test_enter_on_the_tiles_confirms_the_selected_tile() -> None:
    walker = DeviceWalker()
    walker.to_options()
    walker.press("down")
    walker.press("enter")
    assert walker.device.view().screen == "configuration"


def test_space_on_the_tiles_does_not_confirm_but_on_the_button_does() -> None:
    walker = DeviceWalker()
    walker.to_options()
    walker.press("down")
    walker.press("space")
    assert walker.device.view().screen == "options"
    walker.press("tab")
    walker.press("space")
    assert walker.device.view().screen == "configuration"


def test_arrows_do_not_move_the_selection_while_the_button_has_focus() -> None:
    walker = DeviceWalker()
    walker.to_options()
    walker.press("tab")
    walker.press("down")
    assert walker.device.view().data["selected"] == 0
    walker.press("tab", "leftshift")
    assert walker.device.view().data["focus"] == "tiles"
    walker.press("down")
    walker.press("down")
    walker.press("down")
    assert walker.device.view().data["selected"] == 2  # clamped at the last tile


def test_five_slow_presses_do_not_open_the_dialog() -> None:
    walker = DeviceWalker()
    walker.to_first_page()
    for _ in range(5):
        walker.device.press("leftsuper")
        walker.clock.advance(2.0)  # more than the 1.5 s window, in real seconds
    assert walker.device.view().screen == "oobe-region"


def test_the_press_window_is_in_real_seconds_whatever_the_time_scale() -> None:
    walker = DeviceWalker(time_scale=1000.0)
    walker.to_first_page()
    for _ in range(5):
        walker.device.press("rightsuper")
        walker.clock.advance(1.0)  # 1000 simulated seconds, but 1 real second
    assert walker.device.view().screen == "options"


def test_another_key_in_the_series_restarts_the_count() -> None:
    walker = DeviceWalker()
    walker.to_first_page()
    for name in ("leftsuper", "leftsuper", "leftsuper", "tab", "leftsuper", "leftsuper"):
        walker.press(name)
    assert walker.device.view().screen == "oobe-region"
    for _ in range(3):
        walker.press("leftsuper")
    assert walker.device.view().screen == "options"


def test_windows_key_works_from_every_first_page() -> None:
    for page in ("oobe-keyboard", "oobe-network", "oobe-signin"):
        walker = DeviceWalker(overrides={"first_page": page})
        assert walker.to_first_page().screen == page
        assert walker.to_options().screen == "options"


def test_enter_walks_the_oobe_pages_and_arrows_move_the_region() -> None:
    walker = DeviceWalker()
    region = walker.to_first_page()
    walker.press("down")
    assert walker.device.view().data["selected"] == region.data["selected"] + 1
    walker.press("enter")
    assert walker.device.view().screen == "oobe-keyboard"


def test_refresh_rereads_the_profile() -> None:
    walker = DeviceWalker(overrides={"profile_after_refresh": "Kiosk profile"})
    configuration = walker.to_configuration()
    assert configuration.data["profile"] == "Autopilot Pre-provisioning"
    walker.press("tab")
    assert walker.device.view().data["focus"] == "Refresh"
    walker.press("enter")
    refreshed = walker.device.view()
    assert refreshed.screen == "configuration"
    assert refreshed.data["profile"] == "Kiosk profile"
    walker.press("tab")
    walker.press("enter")
    assert walker.wait_for("success").data["profile"] == "Kiosk profile"


def test_install_provisioning_package_tile_leads_to_an_error_and_back_to_oobe() -> None:
    walker = DeviceWalker()
    walker.to_options()
    walker.press("enter")  # the first tile, selected by default
    problem = walker.device.view()
    assert problem.screen == "something-went-wrong"
    assert "code" not in problem.data
    walker.press("enter")
    assert walker.device.view().screen == "oobe-region"


def test_reset_device_tile_reboots_to_oobe() -> None:
    walker = DeviceWalker()
    walker.to_options()
    walker.press("down")
    walker.press("down")
    walker.press("enter")
    assert walker.device.view().screen == "black"
    walker.wait_for("oobe-region", limit_s=60)
    assert screens(walker.device)[-3:] == ["black", "firmware", "oobe-region"]


def test_escape_on_the_options_returns_to_oobe() -> None:
    walker = DeviceWalker()
    walker.to_options()
    walker.press("esc")
    assert walker.device.view().screen == "oobe-region"


def test_power_off_in_the_middle_and_on_again_starts_over() -> None:
    walker = DeviceWalker()
    walker.to_esp()
    walker.device.power_off()
    assert walker.device.view().screen == "off"
    walker.press("enter")
    assert walker.device.events[-1][1] == "key-ignored enter"
    assert walker.to_first_page().screen == "oobe-region"


def test_keys_during_firmware_are_ignored() -> None:
    walker = DeviceWalker()
    walker.device.power_on()
    assert walker.device.press("leftsuper") is False
    assert walker.device.events[-1][1] == "key-ignored leftsuper"


def test_unknown_scenario_and_bad_time_scale_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown scenario 'nope'"):
        SimDevice("nope")
    with pytest.raises(ValueError, match="time_scale"):
        SimDevice("success", time_scale=0)
