"""Every user mistake given to ``harness run`` is refused with exit 3, a message naming what was
wrong and where, and no traceback; run as a user runs it (a subprocess)."""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HARNESS = [sys.executable, "-m", "harness.cli.main"]
GOOD_LAB = "devices:\n  d1:\n    target: {backend: sim, scenario: success}\n"


def _harness(*argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HARNESS, *argv], capture_output=True, text=True, timeout=timeout, check=False
    )


def _lab(tmp_path: Path, content: bytes | str) -> Path:
    path = tmp_path / "lab.yaml"
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


LAB_CASES = {
    "utf-16": (codecs.BOM_UTF16_LE + GOOD_LAB.encode("utf-16-le"), ["UTF-8", "UTF-16"]),
    "utf-16 without BOM": (GOOD_LAB.encode("utf-16-le"), ["UTF-8", "UTF-16"]),
    "latin-1": (
        (GOOD_LAB + "    expect: {organization: Société Générale}\n").encode("latin-1"),
        ["UTF-8", "byte 0xe9 on line 4", "Latin-1"],
    ),
    "mistyped device key": (GOOD_LAB + "    colour: red\n", ["devices.d1", "'colour'", "expect"]),
    "bool for a number": (
        GOOD_LAB + "    flow: {esp_timeout_s: true}\n",
        ["devices.d1.flow.esp_timeout_s", "expected a valid number", "found True"],
    ),
    "green with codes": (
        GOOD_LAB + "    expect: {result: green, codes: [0x800705b4]}\n",
        ["devices.d1.expect", "only apply to result: red"],
    ),
    "bad code": (
        GOOD_LAB + "    expect: {result: red, codes: [banana]}\n",
        ["devices.d1.expect.codes[0]", "0x followed by 8 hex digits", "'banana'"],
    ),
    "unknown backend": (
        "devices:\n  d1:\n    target: {backend: warp-drive}\n",
        ["devices.d1.target.backend", "'warp-drive'", "libvirt"],
    ),
    "backend setting of the wrong type": (
        "devices:\n  d1:\n    screen: {backend: capture, device: 0, fps: fast}\n"
        "    keyboard: {backend: ch9329, port: /dev/null}\n",
        ["devices.d1.screen.fps", "expected a valid number", "'fast'"],
    ),
    "unknown backend setting": (
        "devices:\n  d1:\n    target: {backend: sim}\n"
        "    power: {backend: redfish, url: 'https://b', user: u, pasword_env: X}\n",
        ["devices.d1.power", "unknown key 'pasword_env'", "password_env"],
    ),
    "literal password": (
        "devices:\n  d1:\n    target: {backend: pikvm, url: 'https://k', password: hunter2}\n",
        ["devices.d1.target.password", "password_env"],
    ),
    "sim serves only as target": (
        "devices:\n  d1:\n    screen: {backend: sim}\n    keyboard: {backend: sim}\n",
        ["devices.d1.screen.backend", "cannot serve as screen"],
    ),
    "unknown scenario parameter": (
        "devices:\n  d1:\n    target: {backend: sim, overrides: {tpm: 5}}\n",
        ["devices.d1.target", "unknown scenario parameter 'tpm'", "tpm_s"],
    ),
    "time_scale 0": (
        "devices:\n  d1:\n    target: {backend: sim, time_scale: 0}\n",
        ["devices.d1.target.time_scale", "greater than 0"],
    ),
    "no devices": ("hosts: []\n", ["(top level)", "devices"]),
}


@pytest.mark.parametrize("case", sorted(LAB_CASES))
def test_a_bad_lab_file_is_refused_with_file_key_and_expectation(case: str, tmp_path: Path) -> None:
    content, expected = LAB_CASES[case]
    lab = _lab(tmp_path, content)
    finished = _harness("run", "--config", str(lab), "--device", "d1", "--out", str(tmp_path))
    assert finished.returncode == 3, finished.stderr
    assert "Traceback" not in finished.stderr
    assert str(lab) in finished.stderr
    for text in expected:
        assert text in finished.stderr, (text, finished.stderr)
    assert "hunter2" not in finished.stderr
    assert not list(tmp_path.glob("*/result.json")), "a refused configuration starts no run"


OPTION_CASES = {
    "time-scale 0": (["--time-scale", "0"], ["--time-scale", "expected a number > 0", "'0'"]),
    "time-scale negative": (["--time-scale", "-2"], ["--time-scale", "> 0", "'-2'"]),
    "time-scale text": (["--time-scale", "fast"], ["--time-scale", "'fast'"]),
    "expect green with a code": (
        ["--expect", "green:0x800705b4"],
        ["--expect", "green, red or red:CODE", "green takes no error codes"],
    ),
    "expect colour": (["--expect", "purple"], ["--expect", "red:CODE", "'purple'"]),
    "expect bad code": (["--expect", "red:0x12"], ["--expect", "'0x12' is not an error code"]),
    "size": (["--size", "big"], ["--size", "WIDTHxHEIGHT"]),
    "scenario": (["--scenario", "nope"], ["--scenario", "'nope'", "success"]),
    "set unknown key": (
        ["--set", "tpm=5"],
        ["--set", "unknown scenario parameter 'tpm'", "tpm_s", "drop_fraction"],
    ),
    "set wrong type": (["--set", "tpm_s=soon"], ["--set", "'tpm_s'", "float"]),
    "set without =": (["--set", "tpm_s"], ["--set", "KEY=VALUE"]),
    "seed text": (["--seed", "x"], ["--seed", "'x'"]),
    "device without config": (["--device", "d1"], ["--device"]),
}


@pytest.mark.parametrize("case", sorted(OPTION_CASES))
def test_a_bad_option_is_refused_naming_it(case: str, tmp_path: Path) -> None:
    argv, expected = OPTION_CASES[case]
    finished = _harness("run", *argv, "--out", str(tmp_path))
    assert finished.returncode == 3, finished.stderr
    assert "Traceback" not in finished.stderr
    for text in expected:
        assert text in finished.stderr, (text, finished.stderr)


def test_set_on_a_lab_device_that_is_not_simulated_is_refused(tmp_path: Path) -> None:
    lab = _lab(
        tmp_path,
        "devices:\n  vm:\n    target: {backend: libvirt, domain: w11}\n",
    )
    finished = _harness("run", "--config", str(lab), "--device", "vm", "--set", "tpm_s=5")
    assert finished.returncode == 3 and "Traceback" not in finished.stderr
    assert "--set" in finished.stderr and "'vm' is not one" in finished.stderr


def test_seed_and_set_reach_the_simulated_device() -> None:
    from harness.config.choice import DeviceChoice, build_device_target

    choice = DeviceChoice(scenario="lost-keys", seed=3, overrides={"drop_fraction": 0.5})
    with build_device_target(choice) as target:
        shown = target.screen.device.scenario  # type: ignore[attr-defined]
    assert (shown.seed, shown.drop_fraction, shown.name) == (3, 0.5, "lost-keys")


@pytest.mark.slow
def test_a_set_parameter_shows_on_the_simulated_screen(tmp_path: Path) -> None:
    # The organisation is read back from the screen by OCR: the parameter reached the device,
    # and the default expectation (what a correct device shows) follows it.
    finished = _harness(
        *("run", "--set", "organization=Fabrikam", "--seed", "3"),
        *("--size", "1024x768", "--quiet", "--out", str(tmp_path)),
        timeout=240,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    (bundle,) = tmp_path.iterdir()
    saved = json.loads((bundle / "result.json").read_text(encoding="utf-8"))
    assert saved["fields"]["organization"] == "Fabrikam"
    assert saved["expectation"]["organization"] == "Fabrikam"


def test_a_configuration_error_during_the_run_is_kept_in_result_json(tmp_path: Path) -> None:
    # The navigation scripts are read when the flow starts, after the bundle exists.
    navigation = tmp_path / "navigation.yaml"
    navigation.write_text('windows10:\n  next_tile: "<entr>"\n', encoding="utf-8")
    finished = subprocess.run(
        [*HARNESS, "run", "--quiet", "--out", str(tmp_path / "runs")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "HARNESS_NAVIGATION": str(navigation)},
    )
    assert finished.returncode == 3 and "Traceback" not in finished.stderr
    assert "windows10.next_tile" in finished.stderr
    (result_file,) = (tmp_path / "runs").glob("*/result.json")
    saved = json.loads(result_file.read_text(encoding="utf-8"))
    assert saved["verdict"] == "error"
    assert saved["reason"].startswith("configuration error during the run: ")
    assert str(navigation) in saved["reason"] and "windows10.next_tile" in saved["reason"]
