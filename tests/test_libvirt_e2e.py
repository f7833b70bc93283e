"""The whole technician flow through a real libvirtd + QEMU, on the stand-in guest.

``pytest -m libvirt tests/test_libvirt_e2e.py`` works on its own: the fixtures in
``tests/libvirt_guest.py`` start virtlogd + libvirtd when none answers (and stop them by PID),
build or reuse the guest, and give every test its own persistent domain (type qemu), destroyed
and undefined afterwards whatever happened. The guest runs its ESP 60 times faster than a device.
VMs run one at a time (TCG, one host core each).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.flow import Expectation, FlowSettings, run_flow
from harness.report import RunResult
from harness.targets.libvirt import create
from harness.targets.target import Target
from tests.libvirt_guest import (
    Daemons,
    StandinDomain,
)

pytestmark = pytest.mark.libvirt

TPM_CODE = "0x800705b4"
SETTINGS = FlowSettings(
    boot_timeout_s=90,
    screen_timeout_s=30,
    esp_timeout_s=180,
    frozen_screen_s=90,
    stall_timeout_s=30,
    poweroff_timeout_s=30,
)


def _run(
    domain: StandinDomain,
    expectation: Expectation,
    out_dir: Path,
    *,
    settings: FlowSettings = SETTINGS,
    reconnect_timeout_s: float = 30,
    progress: Callable[[str], None] | None = None,
) -> RunResult:
    target = create(
        "all",
        {"domain": domain.name, "reconnect_timeout_s": reconnect_timeout_s},
        source="test",
    )
    assert isinstance(target, Target)
    started = time.monotonic()
    try:
        result = run_flow(
            target,
            expectation,
            out_dir=out_dir,
            settings=settings,
            backend="libvirt",
            progress=progress,
        )
    finally:
        target.close()
    print(f"{domain.name}: {result.verdict} in {time.monotonic() - started:.1f} s: {result.reason}")
    return result


def _result_json(result: RunResult) -> dict[str, object]:
    assert result.bundle_dir is not None
    return json.loads((Path(result.bundle_dir) / "result.json").read_text())


def test_green_reseal_powers_off_and_passes(
    standin_domains: Callable[..., StandinDomain], tmp_path: Path
) -> None:
    domain = standin_domains("success")
    result = _run(domain, Expectation(result="green"), tmp_path)
    assert result.verdict == "passed", result.reason
    # libvirt's event and its domain state are both trusted; which one the flow sees first
    # depends on the event loop's timing.
    assert "lifecycle event" in result.reason or "(power state)" in result.reason
    assert "power off: the device switched off (Reseal)" in domain.serial_text()
    assert _result_json(result)["verdict"] == "passed"


def test_tpm_attestation_failure_expected_red_passes(
    standin_domains: Callable[..., StandinDomain], tmp_path: Path
) -> None:
    domain = standin_domains("tpm-attestation-failure")
    result = _run(domain, Expectation(result="red", codes=(TPM_CODE,)), tmp_path)
    assert result.verdict == "passed", result.reason
    assert TPM_CODE in json.dumps(_result_json(result))


def test_tpm_attestation_failure_expected_green_fails(
    standin_domains: Callable[..., StandinDomain], tmp_path: Path
) -> None:
    domain = standin_domains("tpm-attestation-failure")
    result = _run(domain, Expectation(result="green"), tmp_path)
    assert result.verdict == "failed"
    assert "red" in result.reason.lower()
    assert TPM_CODE in result.reason


def test_reseal_without_power_off_fails(
    standin_domains: Callable[..., StandinDomain], tmp_path: Path
) -> None:
    domain = standin_domains("reseal-no-poweroff")
    settings = SETTINGS.replace(poweroff_timeout_s=8)
    result = _run(domain, Expectation(result="green"), tmp_path, settings=settings)
    assert result.verdict == "failed"
    assert "did not power off within 8 s" in result.reason


def test_libvirtd_killed_during_the_esp_is_a_rig_error(
    libvirt_system: Daemons, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if not libvirt_system.owned:
        pytest.skip(
            "libvirtd was not started by this test session: killing it would disturb its owner "
            "(run with no libvirtd running to include this test)"
        )
    standin_domains: Callable[..., StandinDomain] = request.getfixturevalue("standin_domains")
    domain = standin_domains("success")
    killed: list[float] = []

    def kill_at_esp(message: str) -> None:
        if not killed and "esp" in message.lower() and "screen" in message.lower():
            killed.append(time.monotonic())
            libvirt_system.kill_libvirtd()

    try:
        result = _run(
            domain,
            Expectation(result="green"),
            tmp_path,
            reconnect_timeout_s=3,
            progress=kill_at_esp,
        )
    finally:
        if killed:
            libvirt_system.restart_libvirtd()
    assert killed, "the ESP was never reached"
    assert result.verdict == "error"
    assert "did not come back" in result.reason
    bundle = _result_json(result)
    assert bundle["verdict"] == "error"
    assert any(Path(result.bundle_dir or "").glob("*.png")) or any(
        Path(result.bundle_dir or "").rglob("*.png")
    )
