"""Expectations, flow settings, navigation scripts, lab files: parsed strictly, precise errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import load_lab_config
from harness.config.choice import DeviceChoice, sim_scenario_expectation
from harness.errors import ConfigError
from harness.flow import Expectation, FlowSettings
from harness.flow.navigation import ACTIONS, load_navigation


def test_expectation_parses_the_command_line_form() -> None:
    assert Expectation.parse("green") == Expectation("green")
    parsed = Expectation.parse("red:0x800705B4, 0x81039001")
    assert parsed.result == "red"
    assert parsed.codes == ("0x800705b4", "0x81039001")
    assert Expectation.parse("RED").codes == ()


@pytest.mark.parametrize("text", ["purple", "red:0x12", "red:banana", "green:0x800705b4"])
def test_expectation_rejects_bad_text(text: str) -> None:
    with pytest.raises(ConfigError):
        Expectation.parse(text)


def test_expectation_from_mapping_names_source_and_key() -> None:
    with pytest.raises(ConfigError) as problem:
        Expectation.from_mapping({"result": "red", "codes": ["0xZZ"]}, source="lab.yaml: d1")
    assert "lab.yaml: d1" in str(problem.value) and "expect.codes" in str(problem.value)
    with pytest.raises(ConfigError, match=r"expect\.colour"):
        Expectation.from_mapping({"colour": "red"}, source="lab.yaml")
    red = Expectation.from_mapping(
        {"result": "red", "codes": [0x800705B4], "category": "tpm-attestation"}, source="x"
    )
    assert red.codes == ("0x800705b4",) and red.describe() == "red (0x800705b4)"


def test_flow_settings_from_mapping() -> None:
    settings = FlowSettings.from_mapping({"esp_timeout_s": 60, "refresh": True}, source="f")
    assert settings.esp_timeout_s == 60.0 and settings.refresh is True
    with pytest.raises(ConfigError, match=r"flow\.esp_timeout"):
        FlowSettings.from_mapping({"esp_timeout": 60}, source="f")
    with pytest.raises(ConfigError, match="expected a number"):
        FlowSettings.from_mapping({"esp_timeout_s": "soon"}, source="f")
    with pytest.raises(ConfigError, match="expected true or false"):
        FlowSettings.from_mapping({"refresh": "yes"}, source="f")


@pytest.mark.parametrize("windows", [10, 11])
def test_shipped_navigation_has_every_action(windows: int) -> None:
    navigation = load_navigation(windows)
    assert set(navigation.scripts) == set(ACTIONS)


def test_navigation_errors_name_the_action(tmp_path: Path) -> None:
    bad = tmp_path / "nav.yaml"
    actions = {action: "<enter>" for action in ACTIONS}
    actions["reseal"] = "<entr>"
    bad.write_text("windows10:\n" + "".join(f"  {k}: '{v}'\n" for k, v in actions.items()))
    with pytest.raises(ConfigError) as problem:
        load_navigation(10, bad)
    assert "windows10.reseal" in str(problem.value) and str(bad) in str(problem.value)


def test_lab_file_loads_and_reports_bad_devices(tmp_path: Path) -> None:
    lab = tmp_path / "lab.yaml"
    lab.write_text(
        "devices:\n"
        "  sim-demo:\n"
        "    target: {backend: sim, scenario: success}\n"
        "    expect: {result: green, organization: Contoso}\n"
        "    flow: {esp_timeout_s: 90}\n"
    )
    config = load_lab_config(lab)
    device = config.device("sim-demo")
    assert device.expectation.organization == "Contoso"
    assert device.flow.esp_timeout_s == 90
    with pytest.raises(ConfigError, match="no device 'other'; devices in this file: sim-demo"):
        config.device("other")

    lab.write_text("devices:\n  d:\n    screen: {backend: capture}\n")
    with pytest.raises(ConfigError, match="needs either 'target' or both"):
        load_lab_config(lab)
    lab.write_text("devices:\n  d:\n    target: {backend: sim}\n    colour: red\n")
    with pytest.raises(ConfigError, match="unknown key"):
        load_lab_config(lab)
    lab.write_text("devices: [1, 2")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_lab_config(lab)


def test_example_lab_file_is_valid() -> None:
    example = Path(__file__).resolve().parents[1] / "fixtures" / "lab.example.yaml"
    config = load_lab_config(example)
    assert "sim-demo" in config.devices


def test_device_choice_defaults_to_the_simulator() -> None:
    choice = DeviceChoice()
    assert choice.is_sim and choice.backend() == "sim" and choice.effective_windows() == 10
    assert choice.expectation() == sim_scenario_expectation("success")
    with pytest.raises(ConfigError):
        DeviceChoice(device="lonely")
