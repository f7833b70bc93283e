"""A secret a lab file names (``password_env``) never reaches the bundle or the log.

A simulated device is served behind the PiKVM API (loopback) with a planted password; the same
word is the organisation the device shows, so the run really reads it (OCR) and would write it
into ``result.json``, ``report.html`` and ``run.log`` if the lab loader did not register it for
masking before the run started.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from harness.cli.main import main
from harness.config.choice import SIM_FLOW
from harness.report.masking import MASK
from harness.sim.peers.sim_rig import start_sim_rig
from harness.targets.sim import make_sim_target

pytestmark = [pytest.mark.slow]

SECRET = "Northwind"


def test_a_lab_secret_is_masked_in_every_file_of_the_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_TEST_PASSWORD", SECRET)
    device = make_sim_target("success", size=(1024, 768), time_scale=120.0,
                             overrides={"organization": SECRET})  # fmt: skip
    peers = start_sim_rig(device, pikvm_password=SECRET)
    try:
        assert peers.kvm is not None
        lab = tmp_path / "lab.yaml"
        flow = {k: v for k, v in dataclasses.asdict(SIM_FLOW).items() if isinstance(v, float)}
        entry = {
            "target": {
                "backend": "pikvm",
                "url": peers.kvm.url,
                "user": peers.kvm.user,
                "password_env": "KIOSK_TEST_PASSWORD",
                "tls_fingerprint": peers.kvm.fingerprint,
                "power_poll_s": 0.1,
            },
            "windows": 10,
            "expect": {"organization": SECRET},
            "flow": flow,
        }
        lab.write_text(yaml.safe_dump({"devices": {"kiosk": entry}}), encoding="utf-8")
        out = tmp_path / "runs"
        code = main(["run", "--config", str(lab), "--device", "kiosk", "--out", str(out)])
    finally:
        peers.stop()
        device.close()
    (bundle,) = out.iterdir()
    files = [path for path in bundle.rglob("*") if path.is_file()]
    assert {"result.json", "run.log", "report.html"} <= {path.name for path in files}
    assert code == 0, (bundle / "result.json").read_text(encoding="utf-8")
    for path in files:
        assert SECRET.encode() not in path.read_bytes(), f"{path.name} holds the secret"
    # The secret was there to leak: the organisation read from the screen is masked.
    assert MASK in (bundle / "result.json").read_text(encoding="utf-8")
