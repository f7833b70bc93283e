"""``harness sim serve``: a real process serving the simulated device as a physical rig."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import cv2
import numpy as np
import pytest
import serial
import yaml

from harness.targets.ch9329 import build_frame
from harness.targets.http_client import HttpClient, TlsSettings
from tests._processes import stop

pytestmark = pytest.mark.rig


def test_sim_serve_prints_a_lab_file_and_serves_every_peer() -> None:
    env = {**os.environ, "TEST_SERVE_KVM_PASSWORD": "serve-pw"}
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.cli.main", "sim", "serve", "--size", "640x480",
         "--power-on", "--pikvm-password-env", "TEST_SERVE_KVM_PASSWORD"],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        lab = _read_lab(process)
        device = lab["devices"]["sim-rig-success"]
        snapshot_url = device["screen"]["url"].replace("/stream", "/snapshot")
        with urllib.request.urlopen(snapshot_url, timeout=10) as answer:  # noqa: S310 - loopback
            image = cv2.imdecode(np.frombuffer(answer.read(), np.uint8), cv2.IMREAD_COLOR)
        assert image.shape == (480, 640, 3)
        port = serial.serial_for_url(device["keyboard"]["port"], baudrate=115200, timeout=2)
        try:
            port.write(build_frame(0x01))
            reply = port.read(14)
        finally:
            port.close()
        assert reply[:5] == bytes.fromhex("57 AB 00 81 08") and reply[6] == 0x01
        # HTTPS with a self-signed certificate, pinned by the printed YAML (as on a PiKVM).
        fingerprint = device["power"]["tls_fingerprint"]
        client = HttpClient(
            device["power"]["url"],
            headers={"X-KVMD-User": "admin", "X-KVMD-Passwd": "serve-pw"},
            tls=TlsSettings(verify=False, fingerprint=fingerprint[7:].replace(":", "").lower()),
        )
        try:
            answer = client.request("GET", "/api/atx")
        finally:
            client.close()
        assert answer.status == 200 and answer.json()["result"]["leds"]["power"] is True
    finally:
        code = stop(process)
    assert code == 0


def test_harness_run_drives_the_served_rig_from_a_lab_file(tmp_path: Path) -> None:
    """The user's path: `harness sim serve` in one process, `harness run --config` in another."""
    env = {**os.environ, "TEST_SERVE_KVM_PASSWORD": "serve-pw"}
    server = subprocess.Popen(
        [sys.executable, "-m", "harness.cli.main", "sim", "serve", "--size", "1024x768",
         "--time-scale", "120", "--pikvm-password-env", "TEST_SERVE_KVM_PASSWORD"],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        lab = _read_lab(server)
        device = lab["devices"]["sim-rig-success"]
        device["expect"] = {"result": "green"}
        device["flow"] = {
            "boot_timeout_s": 60, "screen_timeout_s": 30, "esp_timeout_s": 180,
            "stall_timeout_s": 10, "poweroff_timeout_s": 20, "options_wait_s": 2.0,
            "windows_key_pacing_s": 0.15, "poll_interval_s": 0.1,
        }  # fmt: skip
        lab_file = tmp_path / "lab.yaml"
        lab_file.write_text(yaml.safe_dump(lab), encoding="utf-8")
        run = subprocess.run(
            [sys.executable, "-m", "harness.cli.main", "run", "--config", str(lab_file),
             "--device", "sim-rig-success", "--out", str(tmp_path / "runs"), "--quiet"],
            capture_output=True, text=True, env=env, timeout=300, check=False,
        )  # fmt: skip
        assert run.returncode == 0, run.stdout + run.stderr
        assert "verdict: PASSED" in run.stdout and "Reseal powered the device off" in run.stdout
    finally:
        code = stop(server)
    assert code == 0


def _read_lab(process: subprocess.Popen[str]) -> dict:
    assert process.stdout is not None
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line or line.startswith("# serving"):
            break
        lines.append(line)
    return yaml.safe_load("".join(lines))
