"""Parsing what OCR read: elapsed times, error codes and failure categories, fuzzy matching,
labelled values and ESP lines."""

from __future__ import annotations

import pytest

from harness.vision.definitions import default_screens_dir, load_failure_codes
from harness.vision.elapsed import parse_elapsed
from harness.vision.error_codes import categorise, extract_codes
from harness.vision.esp_reader import parse_esp
from harness.vision.fuzzy import best_substring_match
from harness.vision.labelled_values import find_value
from harness.vision.observation import FailureCategory

TABLE = load_failure_codes(default_screens_dir() / "failure-codes.yaml")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0 h 9 min", 540),
        ("1 h 5 min", 3900),
        ("0h9min", 540),
        ("Oh 9min", 540),  # OCR reads the zero as a letter O
        ("1:05:09", 3909),
        ("09:30", 570),
        ("12 minutes", 720),
        ("1 hour 3 minutes", 3780),
        ("45 seconds", 45),
        ("2 hrs 1 min 30 sec", 7290),
    ],
)
def test_elapsed_time_is_parsed_permissively(text: str, seconds: int) -> None:
    assert parse_elapsed(text) == seconds


@pytest.mark.parametrize("text", [None, "", "soon", "Elapsed time:", "9 apples"])
def test_elapsed_time_without_a_duration_is_none(text: str | None) -> None:
    assert parse_elapsed(text) is None


def test_elapsed_units_come_from_the_definitions() -> None:
    german = {"hours": ["Std."], "minutes": ["Min."], "seconds": ["Sek."]}
    assert parse_elapsed("1 Std. 2 Min.", german) == 3720


def test_codes_are_extracted_lower_case_in_order_without_repeats() -> None:
    text = "Securing your hardware (Failed: 0x800705B4)\nthen 0XC1036501 and 0x800705b4 again"
    assert extract_codes(text) == ("0x800705b4", "0xc1036501")


def test_ocr_slips_in_codes_are_repaired_and_non_errors_ignored() -> None:
    assert extract_codes("Failed: Ox8OO705b4") == ("0x800705b4",)
    assert extract_codes("version 0x00000001, build 12345678, id 0x8007") == ()


@pytest.mark.parametrize(
    ("codes", "text", "category"),
    [
        (("0x800705b4",), None, FailureCategory.TPM_ATTESTATION),
        (("0x81039024",), None, FailureCategory.TPM_ATTESTATION),
        (("0x80180014",), None, FailureCategory.ENROLLMENT),
        (("0xc1036501",), None, FailureCategory.ENROLLMENT),
        (("0x801c03f3",), None, FailureCategory.ENROLLMENT),
        (("0x80072ee2",), None, FailureCategory.NETWORK),
        ((), "Something happened, and TPM attestation timed out.", FailureCategory.TPM_ATTESTATION),
        (
            (),
            "Setup could not be completed in the time allotted by your organization.",
            FailureCategory.ESP_TIMEOUT,
        ),
        (("0x80004005",), None, FailureCategory.UNKNOWN),
        ((), "", None),
    ],
)
def test_failure_categories_come_from_the_table(
    codes: tuple[str, ...], text: str | None, category: FailureCategory | None
) -> None:
    assert categorise(codes, text, TABLE) is category


def test_fuzzy_match_tolerates_ocr_slips_and_wrapped_titles() -> None:
    score, found = best_substring_match(
        "Windows Autopilot Configuration", "W1ndows Aut0pilot Configuratlon"
    )
    assert score > 0.85
    assert found.startswith("w1ndows")
    wrapped = "Pre-provision with Windows\nAutopilot"
    assert best_substring_match("Pre-provision with Windows Autopilot", wrapped)[0] == 1.0
    assert best_substring_match("Something went wrong", "What would you like to do?")[0] < 0.6


def test_labelled_values_on_one_line_or_the_next() -> None:
    groups = [["Organization:"], ["Deployment profile:"], ["Assigned user:"]]
    one_line = ["ee Organization: Contoso Ltd", "Deployment profi1e: Autopilot Pre-provisioning"]
    assert find_value(one_line, groups[0], groups) == "Contoso Ltd"
    assert find_value(one_line, groups[1], groups) == "Autopilot Pre-provisioning"
    assert find_value(one_line, groups[2], groups) is None
    two_lines = ["Organization:", "Contoso", "Assigned user:", "Deployment profile:", "X"]
    assert find_value(two_lines, groups[0], groups) == "Contoso"
    assert find_value(two_lines, groups[2], groups) is None  # the next line is another label


def test_esp_lines_become_phases_steps_and_codes() -> None:
    lines = [
        "Device preparation Hide details",
        "Failed",
        "Securing your hardware (Failed: 0x800705b4)",
        "Joining your organization's network (Previous step failed)",
        "Device setup Show details",
        "Previous step failed",
        "Account setup",
        "Waiting for previous step to fin1sh",
    ]
    phases = parse_esp(
        lines,
        ["Device preparation", "Device setup", "Account setup"],
        ["Complete", "Failed", "Previous step failed", "Waiting for previous step to finish"],
    )
    assert [p.name for p in phases] == ["Device preparation", "Device setup", "Account setup"]
    assert phases[0].status == "Failed"
    assert phases[0].error_code == "0x800705b4"
    assert phases[0].steps[0].name == "Securing your hardware"
    assert phases[0].steps[0].status == "Failed: 0x800705b4"
    assert phases[0].steps[1].status == "Previous step failed"
    assert phases[2].status == "Waiting for previous step to finish"
