"""The stand-in guest as a server with a BMC: screen and keys through libvirt, power through
Redfish (OpenStack sushy-tools) or IPMI (OpenStack virtualbmc), all real, on 127.0.0.1. The
power-off after Reseal must be seen through the BMC itself."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.config.choice import SIM_FLOW, sim_scenario_expectation
from harness.flow import run_flow
from harness.report import RunResult
from harness.targets import Power, Target
from harness.targets.protocols import PowerState
from tests.libvirt_guest import (
    Daemons,
    StandinDomain,
)
from tests.rig_bmc_peers import BMC_PASSWORD, BMC_USER, running_sushy, running_vbmc, warm_up

pytestmark = [pytest.mark.rig, pytest.mark.libvirt, pytest.mark.slow]

FLOW = SIM_FLOW.replace(
    boot_timeout_s=120,
    screen_timeout_s=60,
    stall_timeout_s=30,
    esp_timeout_s=300,
    poweroff_timeout_s=60,
)


def _run_with_power(domain: StandinDomain, power: Power, tmp_path: Path, backend: str) -> RunResult:
    from harness.targets import libvirt as libvirt_backend

    machine = libvirt_backend.create("all", {"domain": domain.name}, source="rig.yaml")
    assert isinstance(machine, Target)
    target = Target(domain.name, screen=machine.screen, keyboard=machine.keyboard, power=power)
    try:
        return run_flow(
            target,
            sim_scenario_expectation("success"),
            out_dir=tmp_path / "runs",
            settings=FLOW,
            windows=10,
            backend=backend,
            secrets=[BMC_PASSWORD],
        )
    finally:
        machine.close()


def _uuid(uri: str, name: str) -> str:
    done = subprocess.run(
        ["virsh", "-c", uri, "domuuid", name], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_standin_guest_with_redfish_power_passes(
    libvirt_system: Daemons,
    standin_domains: Callable[..., StandinDomain],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from harness.targets import redfish

    domain = standin_domains("success", time_scale=60)
    system_id = _uuid(libvirt_system.uri, domain.name)
    monkeypatch.setenv("TEST_BMC_PASSWORD", BMC_PASSWORD)
    with running_sushy(libvirt_system.uri, tmp_path / "sushy") as peer:
        warm_up(peer.url, system_id)
        power = redfish.create(
            "power",
            {"url": peer.url, "user": BMC_USER, "password_env": "TEST_BMC_PASSWORD",
             "system_id": system_id, "poll_s": 0.5},
            source="rig.yaml: power",
        )  # fmt: skip
        result = _run_with_power(domain, power, tmp_path, "libvirt+redfish")
        assert result.verdict == "passed", result.reason
        assert result.powered_off_after_reseal is True
        assert power.raw_power_state() == "Off"  # Redfish itself says the guest is off


def test_standin_guest_with_ipmi_power_passes(
    libvirt_system: Daemons,
    standin_domains: Callable[..., StandinDomain],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from harness.targets import ipmi

    domain = standin_domains("success", time_scale=60)
    monkeypatch.setenv("TEST_IPMI_PASSWORD", BMC_PASSWORD)
    with running_vbmc(libvirt_system.uri, domain.name, tmp_path / "vbmc-state") as peer:
        power = ipmi.create(
            "power",
            {"host": "127.0.0.1", "port": peer.port, "user": BMC_USER,
             "password_env": "TEST_IPMI_PASSWORD", "poll_s": 0.5},
            source="rig.yaml: power",
        )  # fmt: skip
        result = _run_with_power(domain, power, tmp_path, "libvirt+ipmi")
        assert result.verdict == "passed", result.reason
        assert result.powered_off_after_reseal is True
        assert "Chassis Power is off" in power.run("chassis", "power", "status")
        assert power.power_state() is PowerState.OFF
