"""The loopback Graph peer for the Intune tests: one per test, its own port and folder."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.flow.sim_limits import sim_flow_settings
from harness.sim.model.scenario import DEFAULT_ZTD_ID
from harness.sim.peers.graph_peer import GraphPeer
from harness.sim.peers.graph_peer_state import GraphPeerState

CLIENT_ID = "3f2b9c4d-5e6f-4a1b-8c2d-9e0f1a2b3c4d"
CLIENT_SECRET = "peer-client-secret-Zq81"
SECRET_ENV = "HARNESS_TEST_GRAPH_SECRET"
ZTD_ID = DEFAULT_ZTD_ID
SERIAL = "PF3XK2AB"
PROFILE = "Autopilot Pre-provisioning"
ALL_ROLES = {
    "DeviceManagementServiceConfig.ReadWrite.All",
    "DeviceManagementManagedDevices.ReadWrite.All",
    "Organization.Read.All",
    "Device.ReadWrite.All",
}
TIME_SCALE = 300.0


@pytest.fixture
def graph_peer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphPeer]:
    state = GraphPeerState()
    state.add_app(CLIENT_ID, set(ALL_ROLES), client_secret=CLIENT_SECRET)
    profile = state.add_profile(PROFILE)
    state.add_autopilot_device(ZTD_ID, SERIAL, profile_id=profile)
    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)
    with GraphPeer(state, tmp_path / "peer-tls") as peer:
        yield peer


def app_block(peer: GraphPeer, **extra: Any) -> dict[str, Any]:
    """The lab file's ``intune:`` for the peer (the test authority: validation off)."""
    return {
        "tenant_id": peer.state.tenant_id,
        "client_id": CLIENT_ID,
        "client_secret_env": SECRET_ENV,
        "authority": peer.url,
        "graph_url": peer.url,
        "ca_file": peer.ca_file,
        "authority_validation": False,
        **extra,
    }


def sim_device(peer: GraphPeer, **entry: Any) -> dict[str, Any]:
    """A lab device: the simulator, its configuration screen served by the peer."""
    flow = {
        key: value
        for key, value in dataclasses.asdict(sim_flow_settings(TIME_SCALE)).items()
        if isinstance(value, float)
    }
    return {
        "target": {
            "backend": "sim",
            "time_scale": TIME_SCALE,
            "size": [1024, 768],
            "profile_service": f"{peer.url}/autopilot-service",
            "profile_service_ca_file": peer.ca_file,
            # The scenario's own user would show until the peer's values are read.
            "overrides": {"user": None},
        },
        "flow": flow,
        **entry,
    }
