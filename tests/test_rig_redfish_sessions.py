"""Redfish sessions and ActionInfo against a peer written from DMTF's DSP0266
(``harness.sim.peers.redfish_session_peer``): what sushy-tools cannot show."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from harness.errors import PowerControlError
from harness.sim.peers.redfish_session_peer import SESSIONS, RedfishSessionPeer
from harness.targets import redfish
from harness.targets.protocols import PowerState
from tests.rig_doubles import RecordingPower

USER = "operator"
PASSWORD = "bmc-session-pw"


@pytest.fixture
def device() -> RecordingPower:
    return RecordingPower(on=False)


@pytest.fixture
def bmc(device: RecordingPower) -> Iterator[RedfishSessionPeer]:
    peer = RedfishSessionPeer(device, user=USER, password=PASSWORD).start()
    try:
        yield peer
    finally:
        peer.stop()


def _power(bmc: RedfishSessionPeer, monkeypatch: pytest.MonkeyPatch, **extra: object):
    monkeypatch.setenv("TEST_BMC_SESSION_PASSWORD", PASSWORD)
    settings = {"url": bmc.url, "user": USER, "password_env": "TEST_BMC_SESSION_PASSWORD",
                "poll_s": 0.01, "power_timeout_s": 5, **extra}  # fmt: skip
    return redfish.create("power", settings, source="t")


def test_a_session_is_opened_used_and_deleted_at_close(
    bmc: RedfishSessionPeer, device: RecordingPower, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old client sent basic auth only: this BMC (basic disabled) refused every call."""
    power = _power(bmc, monkeypatch)
    power.power_on()
    assert power.power_state() == PowerState.ON
    assert device.actions == ["on"]
    assert len(bmc.sessions) == 1
    power.close()
    assert bmc.sessions == {} and len(bmc.closed_sessions) == 1
    logins = [r for r in bmc.requests if r[:2] == ("POST", SESSIONS)]
    assert len(logins) == 1
    others = [r for r in bmc.requests if r[1] not in ("/redfish/v1", SESSIONS)]
    assert others and all("X-Auth-Token" in headers for _, _, headers in others)
    assert not any("Authorization" in headers for _, _, headers in bmc.requests)


def test_sessions_are_closed_so_a_session_limit_is_never_reached(
    bmc: RedfishSessionPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(bmc.max_sessions * 3):
        power = _power(bmc, monkeypatch)
        assert power.power_state() == PowerState.OFF
        power.close()
    assert bmc.sessions == {}


def test_an_expired_session_is_replaced_once(
    bmc: RedfishSessionPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    power = _power(bmc, monkeypatch)
    assert power.power_state() == PowerState.OFF
    bmc.expire_sessions()
    assert power.power_state() == PowerState.OFF
    assert power.connection.logins == 2
    power.close()


def test_allowed_reset_types_come_from_the_action_info(
    bmc: RedfishSessionPeer, device: RecordingPower, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No inline AllowableValues: the old client guessed 'On' / 'ForceOff' unchecked."""
    bmc.allowed = ("ForceOn", "ForceOff")
    power = _power(bmc, monkeypatch)
    power.power_on()
    assert bmc.posted == ["ForceOn"]
    with pytest.raises(PowerControlError, match=r"none of GracefulShutdown.*ForceOn, ForceOff"):
        power.shutdown()
    assert bmc.posted == ["ForceOn"]
    assert ("GET", "/redfish/v1/Systems/1/ResetActionInfo") in [r[:2] for r in bmc.requests]
    power.close()


def test_a_wrong_password_is_refused_without_showing_it(
    bmc: RedfishSessionPeer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    power = _power(bmc, monkeypatch)
    monkeypatch.setenv("TEST_BMC_SESSION_PASSWORD", "not-the-pw")
    power = redfish.create(
        "power",
        {"url": bmc.url, "user": USER, "password_env": "TEST_BMC_SESSION_PASSWORD"},
        source="t",
    )
    expected = "session login: HTTP 401 authentication refused"
    with caplog.at_level(logging.DEBUG), pytest.raises(PowerControlError, match=expected) as raised:
        power.power_state()
    assert "not-the-pw" not in str(raised.value) and "not-the-pw" not in caplog.text


def test_forced_basic_auth_against_a_bmc_without_it_is_a_clear_401(
    bmc: RedfishSessionPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    power = _power(bmc, monkeypatch, auth="basic")
    with pytest.raises(PowerControlError, match="HTTP 401"):
        power.power_state()
    bmc.basic_auth = True
    assert power.power_state() == PowerState.OFF


def test_auto_mode_uses_basic_auth_where_the_root_links_no_sessions(
    device: RecordingPower, monkeypatch: pytest.MonkeyPatch
) -> None:
    peer = RedfishSessionPeer(
        device, user=USER, password=PASSWORD, basic_auth=True, session_service=False
    ).start()
    try:
        power = _power(peer, monkeypatch)
        assert power.power_state() == PowerState.OFF
        assert power.connection.mode == "basic" and peer.sessions == {}
        power.close()
    finally:
        peer.stop()


def test_forced_session_auth_where_there_is_no_session_service_says_so(
    device: RecordingPower, monkeypatch: pytest.MonkeyPatch
) -> None:
    peer = RedfishSessionPeer(
        device, user=USER, password=PASSWORD, basic_auth=True, session_service=False
    ).start()
    try:
        power = _power(peer, monkeypatch, auth="session")
        with pytest.raises(PowerControlError, match=r"no Redfish session service.*auth: basic"):
            power.power_state()
    finally:
        peer.stop()
