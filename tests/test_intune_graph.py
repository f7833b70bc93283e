"""The Graph client and msal sign-in against the loopback Graph peer (HTTPS, test CA).

The peer answers as Graph and Entra document it: OData pages, $expand in beta only, 404 for an
unknown ZtdId, 401 for an expired token, Intune's 403 naming the permissions, 429 with
Retry-After. Waits go through a recorded ``sleep``: no test waits on the wall clock.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.intune import IntuneAppSettings, open_session
from harness.intune.graph import GraphError
from harness.sim.peers.graph_peer import GraphPeer
from tests.intune_peer import CLIENT_ID, CLIENT_SECRET, PROFILE, SERIAL, ZTD_ID, app_block

pytestmark = [pytest.mark.intune]


def session_for(peer: GraphPeer, sleeps: list[float] | None = None, **extra: object):  # type: ignore[no-untyped-def]
    app = IntuneAppSettings.model_validate(app_block(peer, **extra))
    return open_session(app, sleep=(sleeps.append if sleeps is not None else lambda s: None))


def test_lookup_by_ztd_id_expands_the_profile_in_beta(graph_peer: GraphPeer) -> None:
    session = session_for(graph_peer)
    record = session.lookup(ZTD_ID)
    assert record is not None
    assert (record.serial_number, record.assigned_profile) == (SERIAL, PROFILE)
    assert record.profile_assignment_status == "assignedInSync" and record.profile_assigned
    method, path = graph_peer.state.requests[-1]
    assert (method, path) == (
        "GET",
        f"/beta/deviceManagement/windowsAutopilotDeviceIdentities/{ZTD_ID}",
    )
    # v1.0 has no deploymentProfile relationship: the peer refuses the expansion there.
    with pytest.raises(
        GraphError, match="BadRequest: Could not find a property named 'deploymentProfile'"
    ):
        session.service.graph.get(
            "v1.0",
            f"deviceManagement/windowsAutopilotDeviceIdentities/{ZTD_ID}",
            {"$expand": "deploymentProfile"},
        )


def test_an_unknown_ztd_id_is_none_not_an_error(graph_peer: GraphPeer) -> None:
    assert session_for(graph_peer).lookup("00000000-1111-4222-8333-444444444444") is None


def test_paging_follows_every_next_link(graph_peer: GraphPeer) -> None:
    state = graph_peer.state
    for _ in range(5):
        state.add_managed_device(ZTD_ID)
    state.page_size = 2
    found = session_for(graph_peer).service.managed_devices_by_serial(SERIAL)
    assert len(found) == 5 and len({device.id for device in found}) == 5
    pages = [p for m, p in state.requests if p == "/v1.0/deviceManagement/managedDevices"]
    assert len(pages) == 3


def test_an_expired_token_is_refreshed_once(graph_peer: GraphPeer) -> None:
    session = session_for(graph_peer)
    assert session.lookup(ZTD_ID) is not None
    assert graph_peer.state.token_requests == 1
    graph_peer.state.expire_tokens()
    assert session.lookup(ZTD_ID) is not None
    assert graph_peer.state.token_requests == 2


def test_a_token_refused_after_the_refresh_is_a_clear_error(graph_peer: GraphPeer) -> None:
    graph_peer.state.faults.reject_all_tokens = True
    with pytest.raises(GraphError) as raised:
        session_for(graph_peer).lookup(ZTD_ID)
    message = str(raised.value)
    assert "HTTP 401 InvalidAuthenticationToken" in message
    assert "a fresh token was refused too" in message and "request-id" in message
    assert graph_peer.state.token_requests == 2  # one refresh, not a loop


def test_a_missing_permission_is_named(graph_peer: GraphPeer) -> None:
    graph_peer.state.apps[CLIENT_ID].roles = {"DeviceManagementServiceConfig.Read.All"}
    session = session_for(graph_peer)
    assert session.lookup(ZTD_ID) is not None
    with pytest.raises(GraphError) as raised:
        session.service.assign_user(ZTD_ID, "adele.vance@contoso.com")
    message = str(raised.value)
    assert "HTTP 403 Forbidden" in message
    assert "DeviceManagementServiceConfig.ReadWrite.All" in message
    assert '"_version"' not in message  # Intune's JSON-in-message is unwrapped


def test_throttling_is_retried_after_retry_after_with_a_bound(graph_peer: GraphPeer) -> None:
    faults = graph_peer.state.faults
    faults.throttle_count, faults.retry_after_s = 2, 7
    sleeps: list[float] = []
    assert session_for(graph_peer, sleeps).lookup(ZTD_ID) is not None
    assert sleeps == [7.0, 7.0]
    faults.throttle_count, faults.throttle_status = 10, 503
    sleeps.clear()
    with pytest.raises(GraphError, match=r"HTTP 503 TooManyRequests.*still throttled"):
        session_for(graph_peer, sleeps, max_retries=3).lookup(ZTD_ID)
    assert sleeps == [7.0, 7.0, 7.0]


def test_a_wrong_secret_is_a_sign_in_error_without_the_secret(
    graph_peer: GraphPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HARNESS_TEST_GRAPH_SECRET", "not-the-secret-41")
    with pytest.raises(Exception, match=r"invalid_client: .*AADSTS7000215") as raised:
        session_for(graph_peer).lookup(ZTD_ID)
    assert "not-the-secret-41" not in str(raised.value)


def test_certificate_sign_in(graph_peer: GraphPeer, tmp_path: Path) -> None:
    """msal signs a client assertion with the key; the peer checks it with the certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "harness-test-app")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    (tmp_path / "app.crt").write_bytes(cert_pem)
    (tmp_path / "app.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    graph_peer.state.apps[CLIENT_ID].client_secret = None
    graph_peer.state.apps[CLIENT_ID].certificate_pem = cert_pem
    block = app_block(graph_peer)
    del block["client_secret_env"]
    block.update(
        certificate_file=str(tmp_path / "app.crt"), private_key_file=str(tmp_path / "app.key")
    )
    session = open_session(IntuneAppSettings.model_validate(block))
    assert session.lookup(ZTD_ID) is not None
    assert graph_peer.state.token_requests == 1
    # The key is registered for masking, as a secret would be.
    assert any("PRIVATE KEY" in secret for secret in session.secrets)


def test_authority_validation_stays_on_for_a_real_authority() -> None:
    with pytest.raises(ValueError, match="only accepted for a loopback test authority"):
        IntuneAppSettings(
            tenant_id="contoso.onmicrosoft.com",
            client_id=CLIENT_ID,
            client_secret_env="X",
            authority_validation=False,
        )


def test_a_missing_secret_variable_is_a_config_error(
    graph_peer: GraphPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HARNESS_TEST_GRAPH_SECRET")
    with pytest.raises(ConfigError, match="HARNESS_TEST_GRAPH_SECRET is not set"):
        session_for(graph_peer)
    assert CLIENT_SECRET  # (the secret itself is never part of an error)
