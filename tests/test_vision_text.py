"""Parsing what OCR read: elapsed times, error codes and failure categories, fuzzy matching,
labelled values and ESP lines."""

from __future__ import annotations

import pytest

from harness.vision.definitions import default_screens_dir, load_failure_codes
from harness.vision.elapsed import parse_elapsed
from harness.vision.error_codes import categorise, extract_codes
from harness.vision.esp_reader import parse_esp
from harness.vision.fuzzy import best_substring_match, match_prefix, title_similarity
from harness.vision.labelled_values import read_values
from harness.vision.observation import FailureCategory
from harness.vision.ocr import ReadLine
from harness.vision.text_lines import TextLine

TABLE = load_failure_codes(default_screens_dir() / "failure-codes.yaml")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0 h 9 min", 540),
        ("1 h 5 min", 3900),
        ("0h9min", 540),
        ("Oh 9min", 540),  # OCR reads the zero as a letter O
        ("0 h 0 min", 0),  # no time at all is 0 s, not "no elapsed time"
        ("Oh Omin", 0),
        ("OhOmin", 0),
        ("0h9min", 540),
        ("0 h 9min", 540),
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


def _read(text: str, x: int, y: int, w: int = 0, h: int = 24) -> ReadLine:
    width = w or 14 * len(text)
    return ReadLine(TextLine((x, y, width, h), h * 0.7, len(text), "light"), text, 0.9)


LABELS = {
    "organization": ["Organization:"],
    "profile": ["Deployment profile:"],
    "user": ["Assigned user:"],
    "elapsed": ["Elapsed time:"],
}


def test_label_and_value_on_one_line_with_ocr_slips() -> None:
    reads = [
        _read("ee Organization: Contoso Ltd", 100, 100),
        _read("Deployment profi1e: Autopilot Pre-provisioning", 100, 140),
        _read("Assignedusen:UserDrivenAADAdmin", 100, 180),
    ]
    values = read_values(reads, LABELS)
    assert values["organization"].text == "Contoso Ltd"
    assert values["profile"].text == "Autopilot Pre-provisioning"
    assert values["user"].text == "UserDrivenAADAdmin"  # spaces lost by OCR: still the label
    assert "elapsed" not in values


def test_two_columns_value_beside_the_label_and_a_wrapped_value() -> None:
    reads = [
        _read("Organization:", 100, 100, 180),
        _read("Contoso", 700, 100, 110),
        _read("Deployment profile:", 100, 150, 260),
        _read("User Driven", 650, 150, 160),
        _read("AAD Admin", 660, 180, 150),  # the profile wraps under its value
        _read("Assigned user:", 100, 220, 200),
        _read("adele@contoso.com", 560, 220, 250),
        _read("Elapsed time:", 100, 270, 190),
        _read("0 h 0 min", 680, 270, 130),
    ]
    values = read_values(reads, LABELS)
    assert values["organization"].text == "Contoso"
    assert values["profile"].text == "User Driven AAD Admin"
    assert values["user"].text == "adele@contoso.com"  # not the wrapped profile line
    assert values["elapsed"].text == "0 h 0 min"


def test_value_under_its_label_stops_at_the_next_label() -> None:
    reads = [
        _read("Organization:", 100, 100, 180),
        _read("Contoso", 100, 130, 110),
        _read("Assigned user:", 100, 180, 200),
        _read("Deployment profile:", 100, 210, 260),
        _read("Autopilot", 100, 240, 140),
    ]
    values = read_values(reads, LABELS)
    assert values["organization"].text == "Contoso"
    assert "user" not in values  # the next line is another label
    assert values["profile"].text == "Autopilot"


def test_labels_and_titles_tolerate_lost_spaces_and_curly_quotes() -> None:
    assert match_prefix("Deploymentprofile:Autopilot", "Deployment profile:") == (1.0, "Autopilot")
    assert match_prefix("Organization:", "Organization:")[1] == ""
    assert (
        title_similarity(
            "Let’s start with region. Is this right?", "Let's start with region. Is this right?"
        )
        == 1.0
    )
    assert title_similarity("SettingupyourdeviceforWork", "Setting up your device for work") > 0.95
    # A title that contains most words of another is still another title.
    assert (
        title_similarity("How would you like to set up this\ndevice?", "What would you like to do?")
        < 0.7
    )


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
