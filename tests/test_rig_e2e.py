"""The simulated device as a physical laptop: its screen as an MJPEG stream read through OpenCV,
its keyboard behind an emulated CH9329 on a pty, its power behind the PiKVM ATX API; the
technician flow runs on the composed target exactly as it would on a real rig."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.config.choice import SIM_FLOW, sim_scenario_expectation
from harness.flow import run_flow
from harness.report import RunResult
from harness.sim.peers.sim_rig import SimRigPeers, start_sim_rig
from harness.targets import Target
from harness.targets.ch9329 import Ch9329Keyboard
from harness.targets.registry import create_part
from harness.targets.sim import make_sim_target

pytestmark = [pytest.mark.rig, pytest.mark.slow]

SIZE = (1024, 768)
KVM_PASSWORD = "rig-e2e-kvm"


@dataclass
class SimLaptopRig:
    device: Target
    peers: SimRigPeers
    target: Target
    keyboard: Ch9329Keyboard


@contextlib.contextmanager
def sim_laptop_rig(
    monkeypatch: pytest.MonkeyPatch, *, drop_rate: float = 0.0, stall_timeout_s: float = 10.0
) -> Iterator[SimLaptopRig]:
    device = make_sim_target("success", size=SIZE, time_scale=120.0)
    monkeypatch.setenv("TEST_RIG_KVM_PASSWORD", KVM_PASSWORD)
    peers = start_sim_rig(device, drop_rate=drop_rate, seed=7, pikvm_password=KVM_PASSWORD)
    target: Target | None = None
    try:
        config = peers.rig_config(password_env="TEST_RIG_KVM_PASSWORD")
        config["screen"] |= {
            "stall_timeout_s": stall_timeout_s, "open_timeout_s": 2.0,
            "reconnect_max_backoff_s": 1.0,
        }  # fmt: skip
        config["keyboard"] |= {"ack_timeout_s": 0.2, "retries": 5}
        config["power"] |= {"power_poll_s": 0.1}
        parts = {
            role: create_part(role, config[role], source="rig.yaml: sim-laptop")
            for role in ("screen", "keyboard", "power")
        }
        target = Target("sim-laptop", **parts)  # type: ignore[arg-type]
        assert isinstance(target.keyboard, Ch9329Keyboard)
        yield SimLaptopRig(device, peers, target, target.keyboard)
    finally:
        if target is not None:
            target.close()
        peers.stop()
        device.close()


def _run(rig: SimLaptopRig, tmp_path: Path) -> RunResult:
    return run_flow(
        rig.target,
        sim_scenario_expectation("success"),
        out_dir=tmp_path,
        settings=SIM_FLOW,
        windows=10,
        backend="capture+ch9329+pikvm",
        secrets=[KVM_PASSWORD],
    )


def test_sim_laptop_with_the_line_protocol_helper_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sim_laptop_rig(monkeypatch) as rig:
        keyboard = create_part("keyboard", rig.peers.line_hid_keyboard(), source="rig.yaml")
        rig.target.keyboard = keyboard  # type: ignore[assignment]
        try:
            result = _run(rig, tmp_path)
        finally:
            keyboard.close()  # type: ignore[attr-defined]
        assert result.verdict == "passed", result.reason
        assert "super" in rig.peers.key_lines.lines
        assert rig.peers.injector.frames_received == []  # keys went the other way


def test_sim_laptop_passes_through_capture_ch9329_and_pikvm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sim_laptop_rig(monkeypatch) as rig:
        result = _run(rig, tmp_path)
        assert result.verdict == "passed", result.reason
        assert result.powered_off_after_reseal is True
        assert rig.keyboard.retries == 0
        assert rig.peers.injector.key_errors == []
        # Power went through the PiKVM API, the screen through the stream, keys through the pty.
        assert rig.peers.kvm is not None
        posted = [q.get("action") for m, p, q in rig.peers.kvm.requests if p == "/api/atx/power"]
        assert posted == ["on"]
        assert rig.peers.stream.frames_sent > 0
        assert len(rig.peers.injector.frames_received) > 10
    log_text = (Path(result.bundle_dir) / "run.log").read_text(encoding="utf-8")
    assert KVM_PASSWORD not in log_text


def test_lost_acknowledgements_are_retried_and_still_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sim_laptop_rig(monkeypatch, drop_rate=0.15) as rig:
        result = _run(rig, tmp_path)
        assert result.verdict == "passed", result.reason
        assert rig.peers.injector.acks_dropped > 0
        assert rig.keyboard.retries == rig.peers.injector.acks_dropped
    log_text = (Path(result.bundle_dir) / "run.log").read_text(encoding="utf-8")
    assert "no acknowledgement within 0.2 s" in log_text


def test_a_cut_stream_is_a_rig_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with sim_laptop_rig(monkeypatch, stall_timeout_s=3.0) as rig:
        # Cut the stream (a pulled HDMI cable) once the device is provisioning.
        device = rig.device.power.device  # type: ignore[union-attr]
        done = threading.Event()

        def cut_during_esp() -> None:
            while not done.wait(0.05):
                if device.screen == "esp":
                    rig.peers.stream.cut()
                    return

        cutter = threading.Thread(target=cut_during_esp, daemon=True)
        cutter.start()
        try:
            result = _run(rig, tmp_path)
        finally:
            done.set()
            cutter.join(timeout=2)
        assert rig.peers.stream.cut_off.is_set()
        assert result.verdict == "error", result.reason
        assert "capture" in result.reason, result.reason
