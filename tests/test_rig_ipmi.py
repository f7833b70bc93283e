"""IPMI power through ipmitool: exact argv (password never in it), a clean child environment
against a real RMCP+ BMC (pyghmi, in its own process), and against OpenStack's virtualbmc in
front of a real libvirt domain."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from harness.errors import ConfigError, PowerControlError
from harness.targets import ipmi
from harness.targets.protocols import GracefulPower, PowerState
from tests._processes import stop
from tests.rig_bmc_peers import (
    BMC_PASSWORD,
    BMC_USER,
    VbmcPeer,
    domain_state,
    free_port,
)


def _settings(port: int, monkeypatch: pytest.MonkeyPatch, **extra: object) -> dict[str, object]:
    monkeypatch.setenv("TEST_IPMI_PASSWORD", BMC_PASSWORD)
    return {
        "host": "127.0.0.1",
        "port": port,
        "user": BMC_USER,
        "password_env": "TEST_IPMI_PASSWORD",
        "ipmi_timeout_s": 2,
        "ipmi_retries": 3,
        "poll_s": 0.2,
        **extra,
    }


def test_argv_carries_no_password(monkeypatch: pytest.MonkeyPatch) -> None:
    power = ipmi.create("power", _settings(6230, monkeypatch, cipher_suite=3), source="t")
    assert power.argv("chassis", "power", "status") == [
        "ipmitool", "-I", "lanplus", "-H", "127.0.0.1", "-p", "6230", "-U", "admin", "-E",
        "-C", "3", "-N", "2", "-R", "3", "chassis", "power", "status",
    ]  # fmt: skip
    assert BMC_PASSWORD not in " ".join(power.argv("chassis", "power", "on"))
    assert BMC_PASSWORD not in repr(vars(power))


def test_missing_bmc_fails_fast_with_a_power_error(monkeypatch: pytest.MonkeyPatch) -> None:
    power = ipmi.create("power", _settings(free_port(socket.SOCK_DGRAM), monkeypatch), source="t")
    with pytest.raises(PowerControlError, match="ipmitool chassis power status failed") as raised:
        power.power_state()
    assert BMC_PASSWORD not in str(raised.value)


@pytest.fixture
def pyghmi_bmc(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """pyghmi's Bmc (the library virtualbmc is built on) in a child process; stopped by PID."""
    port = free_port(socket.SOCK_DGRAM)
    env = {**os.environ, "TEST_PEER_BMC_PASSWORD": BMC_PASSWORD}
    env.pop("IPMITOOL_PASSWORD", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.sim.peers.ipmi_bmc_peer", "--port", str(port),
         "--user", BMC_USER, "--password-env", "TEST_PEER_BMC_PASSWORD", "--on"],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        yield port
    finally:
        stop(process)


def test_a_stray_ipmitool_password_cannot_override_the_configured_one(
    pyghmi_bmc: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ipmitool -E prefers IPMITOOL_PASSWORD to IPMI_PASSWORD: the old client passed the whole
    environment, so this wrong value was used and the BMC refused the session."""
    monkeypatch.setenv("IPMITOOL_PASSWORD", "stray-wrong-password")
    power = ipmi.create("power", _settings(pyghmi_bmc, monkeypatch), source="t")
    assert power.power_state() == PowerState.ON
    power.power_off()
    assert power.power_state() == PowerState.OFF
    assert "IPMITOOL_PASSWORD" not in ipmi.child_environment(power._password)


def test_the_pyghmi_bmc_refuses_a_wrong_password(
    pyghmi_bmc: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(pyghmi_bmc, monkeypatch, ipmi_timeout_s=1, ipmi_retries=0)
    monkeypatch.setenv("TEST_IPMI_PASSWORD", "not-the-password")
    with pytest.raises(PowerControlError) as raised:
        ipmi.create("power", settings, source="t").power_state()
    assert "not-the-password" not in str(raised.value)


def test_settings_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="not found") as raised:
        ipmi.create("power", _settings(623, monkeypatch, ipmitool="no-such-ipmitool"), source="t")
    assert raised.value.key == "ipmitool"
    with pytest.raises(ConfigError, match="literal password"):
        ipmi.create("power", {"host": "h", "user": "u", "password": "x"}, source="t")
    with pytest.raises(ConfigError, match="cannot serve as 'screen'"):
        ipmi.create("screen", {}, source="t")


@pytest.mark.rig
def test_on_off_cycle_through_virtualbmc(
    virtual_bmc: VbmcPeer,
    power_domain: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    power = ipmi.create("power", _settings(virtual_bmc.port, monkeypatch), source="t")
    assert isinstance(power, GracefulPower)
    assert power.power_state() == PowerState.OFF
    power.power_on()
    assert power.power_state() == PowerState.ON
    assert domain_state(power_domain) == "running"
    power.power_cycle()  # off + on: virtualbmc has no "cycle"
    assert domain_state(power_domain) == "running"
    power.power_off()
    assert power.power_state() == PowerState.OFF
    assert domain_state(power_domain) == "shut off"


@pytest.mark.rig
def test_virtualbmc_ignores_a_stray_ipmitool_password(
    virtual_bmc: VbmcPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPMITOOL_PASSWORD", "stray-wrong-password")
    power = ipmi.create("power", _settings(virtual_bmc.port, monkeypatch), source="t")
    assert power.power_state() in (PowerState.ON, PowerState.OFF)


@pytest.mark.rig
def test_wrong_password_is_refused(
    virtual_bmc: VbmcPeer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = _settings(virtual_bmc.port, monkeypatch)
    monkeypatch.setenv("TEST_IPMI_PASSWORD", "not-the-password")
    power = ipmi.create("power", settings, source="t")
    with pytest.raises(PowerControlError) as raised:
        power.power_state()
    assert "not-the-password" not in str(raised.value)
