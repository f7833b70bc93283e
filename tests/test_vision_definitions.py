"""The screen definition loader: the shipped files load, and every kind of mistake is reported
with the file, the key and what was expected."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.vision.definitions import default_screens_dir, load_definitions
from harness.vision.observation import ScreenState

SHIPPED = default_screens_dir()

MINIMAL = """\
windows: 10
language: en-US
looks:
  green:
    - {name: green, hsv_min: [55, 120, 50], hsv_max: [90, 255, 200]}
screens:
  w10-success:
    state: success
    titles: ["Windows Autopilot Configuration"]
    look: green
    needs: {labels: 2}
"""


def write(tmp_path: Path, text: str, windows: int = 10) -> Path:
    folder = tmp_path / f"win{windows}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "en-US.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_shipped_definitions_cover_every_state_for_both_versions() -> None:
    definitions = load_definitions(SHIPPED)
    wanted = {s for s in ScreenState if s not in (ScreenState.UNKNOWN, ScreenState.BLACK)}
    for windows in (10, 11):
        states = {d.state for d in definitions.screens if d.windows == windows}
        assert states == wanted, windows
    assert definitions.failure_codes[0] == ("code", "0x800705b4", "tpm-attestation")
    assert "Organization:" in definitions.labels_for(10, "en-US")["organization"]


def test_environment_variable_moves_the_default_directory(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HARNESS_SCREENS_DIR", str(tmp_path))
    assert default_screens_dir() == tmp_path


def test_minimal_file_loads_with_defaults(tmp_path: Path) -> None:
    definitions = load_definitions(write(tmp_path, MINIMAL), windows=10)
    (screen,) = definitions.screens
    assert screen.state is ScreenState.SUCCESS
    assert screen.titles == ("Windows Autopilot Configuration",)
    assert screen.title_tolerance == 0.2
    assert screen.colours[0].min_share == 0.5
    assert screen.needs.labels == 2 and not screen.needs.or_qr


@pytest.mark.parametrize(
    ("change", "key", "expected"),
    [
        (("windows: 10", "windows: 12"), "windows", "expected 10 or 11, found 12"),
        (("state: success", "state: green"), "screens.w10-success.state", "expected "),
        (
            ("hsv_min: [55, 120, 50]", "hsv_min: [255, 120, 50]"),
            "looks.green[0].hsv_min[0]",
            "less than or equal to 179",
        ),
        (("look: green", "look: blue"), "screens.w10-success.look", "defined under `looks`"),
        (("    titles:", "    title:"), "screens.w10-success.title", "unknown key 'title'"),
        (
            ('titles: ["Windows Autopilot Configuration"]', 'titles: [""]'),
            "screens.w10-success.titles[0]",
            "at least 1 character",
        ),
        (("needs: {labels: 2}", "needs: {labels: 9}"), "screens.w10-success.needs.labels", "4"),
    ],
)
def test_mistakes_name_file_key_and_expectation(
    tmp_path: Path, change: tuple[str, str], key: str, expected: str
) -> None:
    old, new = change
    assert old in MINIMAL
    base = write(tmp_path, MINIMAL.replace(old, new, 1))
    with pytest.raises(ConfigError) as caught:
        load_definitions(base, windows=10)
    assert caught.value.key == key
    assert str(caught.value).startswith(str(base / "win10" / "en-US.yaml"))
    assert expected in str(caught.value)


def test_fractional_regions_are_no_longer_part_of_the_format(tmp_path: Path) -> None:
    old_style = MINIMAL.replace(
        "    look: green\n", "    look: green\n    layout: {title: [0, 0, 1, 0.3]}\n"
    )
    with pytest.raises(ConfigError, match="unknown key 'layout'"):
        load_definitions(write(tmp_path, old_style), windows=10)


def test_yaml_syntax_error_names_the_file(tmp_path: Path) -> None:
    base = write(tmp_path, "windows: [10\n")
    with pytest.raises(ConfigError, match="not valid YAML") as caught:
        load_definitions(base, windows=10)
    assert caught.value.source.endswith("en-US.yaml")


def test_missing_directory_and_missing_language(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_definitions(tmp_path / "nowhere")
    with pytest.raises(ConfigError, match="no definitions for Windows 10 in de-DE"):
        load_definitions(SHIPPED, windows=10, language="de-DE")


def test_bad_failure_code_table(tmp_path: Path) -> None:
    base = write(tmp_path, MINIMAL)
    (base / "failure-codes.yaml").write_text(
        "codes:\n  - {code: '0x80180014', category: broken}\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="'tpm-attestation'") as caught:
        load_definitions(base, windows=10)
    assert caught.value.key == "codes[0].category"


def test_a_lab_adds_a_language_without_code(tmp_path: Path) -> None:
    shutil.copytree(SHIPPED, tmp_path / "screens")
    german = (tmp_path / "screens" / "win10" / "en-US.yaml").read_text(encoding="utf-8")
    german = german.replace("language: en-US", "language: de-DE").replace(
        "Setting up your device for work", "Gerät wird für die Arbeit eingerichtet"
    )
    (tmp_path / "screens" / "win10" / "de-DE.yaml").write_text(german, encoding="utf-8")
    definitions = load_definitions(tmp_path / "screens", windows=10, language="de-DE")
    esp = next(d for d in definitions.screens if d.state is ScreenState.ESP)
    assert esp.titles[0] == "Gerät wird für die Arbeit eingerichtet"
    assert esp.language == "de-DE"
