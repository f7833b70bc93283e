"""The whole technician flow through the Hyper-V backend, against the simulated device.

The device's frames leave the stand-in host as RGB565 thumbnails and its keys arrive as Win32
virtual-key codes, exactly as on a Hyper-V host; everything above the PowerShell seam (the
backend, vision with real OCR and QR decoding, the flow) is the real code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config.choice import SIM_FLOW, sim_scenario_expectation
from harness.flow import Expectation, run_flow
from harness.targets.hyperv import hyperv_target
from harness.targets.sim import make_sim_target
from tests.hyperv_doubles import SimulatedHyperVHost

pytestmark = pytest.mark.slow

VM = "autopilot-01"


@pytest.mark.parametrize(
    ("scenario", "expect", "result"),
    [("success", None, "green"), ("tpm-attestation-failure", "red:0x800705b4", "red")],
)
def test_flow_through_hyperv_backend(
    tmp_path: Path, scenario: str, expect: str | None, result: str
) -> None:
    expectation = sim_scenario_expectation(scenario)
    if expect is not None:
        expectation = Expectation.parse(expect).with_fields(
            profile=expectation.profile,
            organization=expectation.organization,
            user=expectation.user,
            ztd_id=expectation.ztd_id,
        )
    device = make_sim_target(scenario, windows=11, size=(1024, 768), time_scale=120.0)
    host = SimulatedHyperVHost(device, VM)
    target = hyperv_target(host, VM, key_interval_s=0.05, black_limit_s=5.0)
    with device, target:
        outcome = run_flow(
            target,
            expectation,
            out_dir=tmp_path,
            settings=SIM_FLOW,
            windows=11,
            backend="hyperv",
        )
    assert outcome.verdict == "passed", outcome.reason
    assert outcome.result == result
    assert host.keys.count(("leftsuper",)) >= 5
    assert host.calls["START_VM"] == 1 and host.calls["THUMBNAIL"] > 10
    if result == "green":
        assert outcome.powered_off_after_reseal is True
    else:
        assert "0x800705b4" in outcome.error_codes
