"""Redfish power: against OpenStack's sushy-tools in front of a real libvirt domain, and (for what
sushy-tools cannot show: a restricted ResetType list) a loopback stub of the same API."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from harness.errors import ConfigError, PowerControlError
from harness.targets import redfish
from harness.targets.protocols import GracefulPower, PowerState
from tests.rig_bmc_peers import (
    BMC_PASSWORD,
    BMC_USER,
    DOMAIN_UUID,
    SushyPeer,
    domain_state,
)


def _settings(url: str, monkeypatch: pytest.MonkeyPatch, **extra: object) -> dict[str, object]:
    monkeypatch.setenv("TEST_BMC_PASSWORD", BMC_PASSWORD)
    return {
        "url": url,
        "user": BMC_USER,
        "password_env": "TEST_BMC_PASSWORD",
        "poll_s": 0.2,
        "power_timeout_s": 60,
        **extra,
    }


@pytest.mark.rig
def test_on_and_force_off_through_sushy_tools(
    sushy_emulator: SushyPeer,
    power_domain: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The libvirtd may hold other domains (other tests'): name the system, as a lab would.
    settings = _settings(sushy_emulator.url, monkeypatch, system_id=DOMAIN_UUID)
    power = redfish.create("power", settings, source="t")
    assert isinstance(power, GracefulPower)
    assert power.power_state() == PowerState.OFF
    power.power_on()
    assert power.power_state() == PowerState.ON
    assert domain_state(power_domain) == "running"
    power.power_off()
    assert power.power_state() == PowerState.OFF
    assert domain_state(power_domain) == "shut off"


@pytest.mark.rig
def test_wrong_password_is_a_clear_power_error(
    sushy_emulator: SushyPeer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = _settings(sushy_emulator.url, monkeypatch, system_id=DOMAIN_UUID)
    monkeypatch.setenv("TEST_BMC_PASSWORD", "not-the-password")
    power = redfish.create("power", settings, source="t")
    with pytest.raises(PowerControlError, match="HTTP 401 authentication refused") as raised:
        power.power_state()
    assert "not-the-password" not in str(raised.value)


class _StubBmc(ThreadingHTTPServer):
    """A BMC whose system allows only ``allowed`` and records the posted ResetTypes."""

    def __init__(self, allowed: list[str], systems: int = 1) -> None:
        super().__init__(("127.0.0.1", 0), _StubHandler)
        self.allowed = allowed
        self.systems = systems
        self.posted: list[str] = []
        self.power_state = "Off"
        self.failing_reads = 0
        """The next this many reads of the system are answered 500 (a system changing state)."""


class _StubHandler(BaseHTTPRequestHandler):
    server: _StubBmc

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _json(self, status: int, document: object) -> None:
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/redfish/v1/Systems":
            members = [
                {"@odata.id": f"/redfish/v1/Systems/s{i}"} for i in range(self.server.systems)
            ]
            self._json(200, {"Members": members})
        elif self.path == "/redfish/v1/Systems/s0" and self.server.failing_reads > 0:
            self.server.failing_reads -= 1
            message = "Requested operation is not valid: domain is not running"
            self._json(500, {"error": {"message": message}})
        elif self.path == "/redfish/v1/Systems/s0":
            action = {
                "target": "/redfish/v1/Systems/s0/Actions/ComputerSystem.Reset",
                "ResetType@Redfish.AllowableValues": self.server.allowed,
            }
            self._json(
                200,
                {
                    "PowerState": self.server.power_state,
                    "Actions": {"#ComputerSystem.Reset": action},
                },
            )
        else:
            self._json(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        reset_type = json.loads(self.rfile.read(length))["ResetType"]
        self.server.posted.append(reset_type)
        if reset_type in ("On", "ForceOn"):
            self.server.power_state = "On"
        self.send_response(204)
        self.end_headers()


@pytest.fixture
def stub_bmc(request: pytest.FixtureRequest) -> Iterator[_StubBmc]:
    allowed, systems = request.param
    server = _StubBmc(allowed, systems)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _stub_url(server: _StubBmc) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.mark.parametrize("stub_bmc", [(["ForceOn", "ForceOff"], 1)], indirect=True)
def test_on_uses_an_allowed_reset_type(stub_bmc: _StubBmc, monkeypatch: pytest.MonkeyPatch) -> None:
    power = redfish.create("power", _settings(_stub_url(stub_bmc), monkeypatch), source="t")
    power.power_on()
    assert stub_bmc.posted == ["ForceOn"]


@pytest.mark.parametrize("stub_bmc", [(["On", "ForceRestart"], 1)], indirect=True)
def test_reset_type_outside_the_allowed_list_is_never_posted(
    stub_bmc: _StubBmc, monkeypatch: pytest.MonkeyPatch
) -> None:
    power = redfish.create("power", _settings(_stub_url(stub_bmc), monkeypatch), source="t")
    with pytest.raises(PowerControlError, match=r"none of GracefulShutdown is an allowed"):
        power.shutdown()
    stub_bmc.power_state = "On"
    with pytest.raises(PowerControlError, match=r"allowed: On, ForceRestart"):
        power.power_off()
    assert stub_bmc.posted == []


@pytest.mark.parametrize("stub_bmc", [(["On", "ForceOff"], 1)], indirect=True)
def test_state_that_never_changes_times_out(
    stub_bmc: _StubBmc, monkeypatch: pytest.MonkeyPatch
) -> None:
    stub_bmc.power_state = "On"  # ForceOff is accepted (204) but nothing happens
    settings = _settings(_stub_url(stub_bmc), monkeypatch, power_timeout_s=0.5, poll_s=0.05)
    power = redfish.create("power", settings, source="t")
    with pytest.raises(PowerControlError, match="PowerState is still 'On', not 'Off'"):
        power.power_off()
    assert stub_bmc.posted == ["ForceOff"]


@pytest.mark.parametrize("stub_bmc", [(["On", "ForceOff"], 1)], indirect=True)
def test_the_only_system_is_discovered(stub_bmc: _StubBmc, monkeypatch: pytest.MonkeyPatch) -> None:
    power = redfish.create("power", _settings(_stub_url(stub_bmc), monkeypatch), source="t")
    assert power.power_state() == PowerState.OFF
    assert power.system_id == "s0"


@pytest.mark.parametrize("stub_bmc", [(["On"], 2)], indirect=True)
def test_several_systems_need_a_system_id(
    stub_bmc: _StubBmc, monkeypatch: pytest.MonkeyPatch
) -> None:
    power = redfish.create("power", _settings(_stub_url(stub_bmc), monkeypatch), source="t")
    with pytest.raises(PowerControlError, match=r"2 systems found.*set system_id"):
        power.power_state()
    chosen = redfish.create(
        "power", _settings(_stub_url(stub_bmc), monkeypatch, system_id="s0"), source="t"
    )
    assert chosen.power_state() == PowerState.OFF


def test_settings_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="not set") as raised:
        redfish.create(
            "power",
            {"url": "https://bmc", "user": "a", "password_env": "NOPE_NOT_SET"},
            source="lab.yaml",
        )
    assert raised.value.key == "password_env"
    with pytest.raises(ConfigError) as raised:
        redfish.create("power", _settings("https://bmc", monkeypatch, reset="On"), source="t")
    assert raised.value.key == "reset"
    with pytest.raises(ConfigError, match="http"):
        redfish.create("power", _settings("bmc-07", monkeypatch), source="t")


@pytest.mark.parametrize("stub_bmc", [(["On", "ForceOff"], 1)], indirect=True)
def test_a_server_error_while_the_system_changes_state_is_asked_again(
    stub_bmc: _StubBmc, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sushy-tools answers 500 "domain is not running" to a read while a guest powers off; a
    run whose Reseal was right must not end a rig error for it."""
    settings = _settings(_stub_url(stub_bmc), monkeypatch, system_id="s0", poll_s=0.01)
    power = redfish.create("power", settings, source="t")
    stub_bmc.failing_reads = redfish.GET_ATTEMPTS - 1
    assert power.power_state() == PowerState.OFF
    stub_bmc.failing_reads = redfish.GET_ATTEMPTS  # a BMC that keeps failing is still an error
    with pytest.raises(PowerControlError, match=r"HTTP 500.*domain is not running"):
        power.power_state()
