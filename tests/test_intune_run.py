"""``harness run`` with Intune, end to end: the simulated device's configuration screen shows
what the loopback Graph peer holds, the companion actions change it through Graph, the
clean-up deletes the previous managed device before Provision, and neither the client secret
nor a token reaches the bundle or the log.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.cli.main import main
from harness.sim.peers.graph_peer import GraphPeer
from tests.intune_peer import CLIENT_SECRET, PROFILE, SERIAL, ZTD_ID, app_block, sim_device

pytestmark = [pytest.mark.intune]
USER = "adele.vance@contoso.com"


def run(tmp_path: Path, peer: GraphPeer, device: dict[str, Any], *extra: str) -> tuple[int, Path]:
    lab = tmp_path / "lab.yaml"
    lab.write_text(yaml.safe_dump({"intune": app_block(peer), "devices": {"lab-07": device}}))
    out = tmp_path / "runs"
    code = main(
        ["run", "--config", str(lab), "--device", "lab-07", "--out", str(out), "--quiet", *extra]
    )
    bundles = sorted(out.iterdir())
    return code, bundles[-1]


def result_of(bundle: Path) -> dict[str, Any]:
    return json.loads((bundle / "result.json").read_text())


def test_assigning_a_user_through_graph_shows_after_refresh(
    tmp_path: Path, graph_peer: GraphPeer
) -> None:
    device = sim_device(
        graph_peer,
        expect={"result": "green", "from_intune": True},
        intune={"assign_user": USER, "group_tag": "LAB-A", "display_name": "LAB-A-07"},
    )
    code, bundle = run(tmp_path, graph_peer, device)
    result = result_of(bundle)
    assert (code, result["verdict"]) == (0, "passed"), result["reason"]
    assert result["fields"]["user"] == USER  # read on the screen, after Refresh
    assert result["fields"]["profile"] == PROFILE
    phases = {phase["name"]: phase for phase in result["phases"]}
    assert phases["intune_change_to_screen"]["duration_s"] is not None
    record = graph_peer.state.autopilot[ZTD_ID]
    assert (record["userPrincipalName"], record["groupTag"], record["displayName"]) == (
        USER, "LAB-A", "LAB-A-07",
    )  # fmt: skip
    intune = json.loads((bundle / "intune.json").read_text())
    assert intune["autopilot"]["serial_number"] == SERIAL
    assert intune["actions"] == {"user": USER, "group_tag": "LAB-A", "display_name": "LAB-A-07"}
    assert intune["enrollment"]["serial_number"] == SERIAL  # the run's own managed device
    # Nothing the run wrote holds the client secret or a token the peer issued.
    tokens = list(graph_peer.state.tokens)
    assert tokens
    for path in bundle.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".log", ".html", ".jsonl", ".vtt", ".srt"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert CLIENT_SECRET not in text, path
            assert not [token for token in tokens if token in text], path


def test_without_the_assignment_the_screen_keeps_the_old_user(
    tmp_path: Path, graph_peer: GraphPeer
) -> None:
    """The same run, but the user is set in the lab's expectation only: the screen (served by
    the peer) shows none, so the user check cannot pass - the sim really shows the peer."""
    device = sim_device(graph_peer, expect={"result": "green", "user": USER}, intune={})
    code, bundle = run(tmp_path, graph_peer, device)
    result = result_of(bundle)
    assert code != 0 and result["verdict"] != "passed"
    assert result["fields"].get("user") is None


def test_cleanup_before_run_deletes_the_previous_managed_device_before_provision(
    tmp_path: Path, graph_peer: GraphPeer
) -> None:
    old = graph_peer.state.add_managed_device(ZTD_ID)
    device = sim_device(graph_peer, expect={"result": "green"}, intune={"cleanup": "before_run"})
    code, bundle = run(tmp_path, graph_peer, device)
    result = result_of(bundle)
    assert (code, result["verdict"]) == (0, "passed"), result["reason"]
    assert old not in graph_peer.state.managed
    deleted_at = next(
        event["time"]
        for event in result["events"]
        if event["kind"] == "intune-cleanup" and old in event["detail"]
    )
    provision = next(step for step in result["steps"] if step["name"] == "provision")
    assert deleted_at <= provision["started"]
    assert ("DELETE", f"/v1.0/deviceManagement/managedDevices/{old}") in graph_peer.state.requests
    # The Autopilot registration is never deleted.
    assert ZTD_ID in graph_peer.state.autopilot


def test_without_cleanup_the_next_run_is_refused_with_0x80180014(
    tmp_path: Path, graph_peer: GraphPeer
) -> None:
    graph_peer.state.add_managed_device(ZTD_ID)
    device = sim_device(graph_peer, expect={"result": "green"}, intune={"cleanup": "never"})
    code, bundle = run(tmp_path, graph_peer, device)
    result = result_of(bundle)
    assert (code, result["verdict"]) == (1, "failed")
    assert "0x80180014" in result["error_codes"]


def test_a_profile_not_assigned_fails_before_provision(
    tmp_path: Path, graph_peer: GraphPeer
) -> None:
    graph_peer.state.assigned_profile.clear()
    graph_peer.state.autopilot[ZTD_ID]["deploymentProfileAssignmentStatus"] = "pending"
    device = sim_device(graph_peer, expect={"result": "green"}, intune={})
    code, bundle = run(tmp_path, graph_peer, device)
    result = result_of(bundle)
    assert (code, result["verdict"]) == (1, "failed")
    assert "not assigned yet (status pending" in result["reason"]
    assert "provision" not in [step["name"] for step in result["steps"]]


def test_a_device_without_an_autopilot_record_fails_before_provision(
    tmp_path: Path, graph_peer: GraphPeer
) -> None:
    graph_peer.state.autopilot.clear()
    device = sim_device(graph_peer, expect={"result": "green"}, intune={})
    code, bundle = run(tmp_path, graph_peer, device)
    result = result_of(bundle)
    assert (code, result["verdict"]) == (1, "failed")
    assert f"no Autopilot record for ZtdId {ZTD_ID}" in result["reason"]


def test_lookup_and_cleanup_commands(
    tmp_path: Path, graph_peer: GraphPeer, capsys: pytest.CaptureFixture[str]
) -> None:
    old = graph_peer.state.add_managed_device(ZTD_ID)
    lab = tmp_path / "lab.yaml"
    device = sim_device(graph_peer, intune={"ztd_id": ZTD_ID, "delete_entra_device": True})
    lab.write_text(yaml.safe_dump({"intune": app_block(graph_peer), "devices": {"lab-07": device}}))
    assert main(["intune", "lookup", "--config", str(lab), "--serial", SERIAL]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["autopilot"]["ztd_id"] == ZTD_ID
    assert [d["id"] for d in shown["managed_devices"]] == [old]
    entra_id = graph_peer.state.autopilot[ZTD_ID]["azureActiveDirectoryDeviceId"]
    assert main(["intune", "cleanup", "--config", str(lab), "--device", "lab-07", "--yes"]) == 0
    assert old not in graph_peer.state.managed and entra_id not in graph_peer.state.entra
    assert ZTD_ID in graph_peer.state.autopilot


def test_an_unknown_intune_key_is_a_config_error(
    tmp_path: Path, graph_peer: GraphPeer, capsys: pytest.CaptureFixture[str]
) -> None:
    device = sim_device(graph_peer, intune={"assign_usr": USER})
    lab = tmp_path / "lab.yaml"
    lab.write_text(yaml.safe_dump({"intune": app_block(graph_peer), "devices": {"lab-07": device}}))
    assert main(["run", "--config", str(lab), "--device", "lab-07", "--out", str(tmp_path)]) == 3
    error = capsys.readouterr().err
    assert "devices.lab-07.intune: unknown key 'assign_usr'" in error
    assert "assign_user" in error
