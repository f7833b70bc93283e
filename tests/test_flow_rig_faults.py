"""Rig faults through real parts, each ending with the right verdict class and a complete bundle.

The keyboard is a real ``Ch9329Keyboard`` on a pseudo-terminal, in front of the emulated chip
(harness/sim/peers/ch9329_emulator.py, the datasheet's frame format), in front of the simulated
device on a virtual clock. (libvirtd killed mid-run: tests/test_libvirt_e2e.py; a stream cut:
tests/test_rig_e2e.py; SIGKILL of ``harness run``: tests/test_cli_run.py.) The BMC that times out
is the real Redfish backend against a socket on 127.0.0.1 that never answers.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness.flow import run_flow, sim_flow_settings
from harness.sim.model.clock import VirtualClock
from harness.sim.peers.ch9329_emulator import Ch9329Emulator
from harness.targets import redfish
from harness.targets.ch9329 import Ch9329Keyboard
from harness.targets.sim import make_sim_target
from harness.targets.target import Target
from tests.flow_fakes import ViewPainter, ViewVision
from tests.flow_sweep import expectation_for


class _SilencedOn:
    """Silences the chip (no answer at all, as a dongle that hung) once the device shows
    ``screen``: the next key press gets no acknowledgement."""

    def __init__(
        self, keyboard: Ch9329Keyboard, emulator: Ch9329Emulator, device, screen: str
    ) -> None:  # type: ignore[no-untyped-def]
        self.keyboard, self.emulator, self.device, self.screen = keyboard, emulator, device, screen

    def press(self, key, hold_s=0.1):  # type: ignore[no-untyped-def]
        self.emulator.mute = self.emulator.mute or self.device.screen == self.screen
        self.keyboard.press(key, hold_s)

    def chord(self, keys, hold_s=0.1):  # type: ignore[no-untyped-def]
        self.emulator.mute = self.emulator.mute or self.device.screen == self.screen
        self.keyboard.chord(keys, hold_s)


@contextmanager
def _ch9329_target(
    **faults: object,
) -> Iterator[tuple[Target, Ch9329Keyboard, Ch9329Emulator, ViewPainter]]:
    painter = ViewPainter()
    target = make_sim_target("success", clock=VirtualClock(), render_bgr=painter)
    emulator = Ch9329Emulator(target.keyboard, seed=5, **faults).start()  # type: ignore[arg-type]
    keyboard = Ch9329Keyboard(emulator.port, ack_timeout_s=1.0, retries=3)
    try:
        yield target, keyboard, emulator, painter
    finally:
        keyboard.close()
        emulator.stop()


def _run(target: Target, painter: ViewPainter, tmp_path: Path):  # type: ignore[no-untyped-def]
    return run_flow(
        target,
        expectation_for("success"),
        out_dir=tmp_path,
        settings=sim_flow_settings(60.0),
        vision=ViewVision(painter),  # type: ignore[arg-type]
        windows=10,
        backend="sim+ch9329",
    )


def _complete_bundle(result) -> dict:  # type: ignore[no-untyped-def]
    bundle = Path(result.bundle_dir)
    saved = json.loads((bundle / "result.json").read_text())
    assert saved["complete"] is True and saved["verdict"] == result.verdict
    assert (bundle / "report.html").is_file() and (bundle / "run.log").is_file()
    return saved


def test_naks_from_the_chip_are_retried_and_the_run_passes(tmp_path: Path) -> None:
    with _ch9329_target(nak_rate=0.2) as (target, keyboard, emulator, painter):
        target.keyboard = keyboard
        result = _run(target, painter, tmp_path)
    assert result.verdict == "passed", result.reason
    assert emulator.naks_sent > 0 and keyboard.retries == emulator.naks_sent
    _complete_bundle(result)


def test_a_chip_that_falls_silent_mid_run_is_a_rig_error(tmp_path: Path) -> None:
    with _ch9329_target() as (target, keyboard, emulator, painter):
        device = target.power.device  # type: ignore[union-attr]
        keyboard.ack_timeout_s, keyboard.max_retries = 0.3, 1
        target.keyboard = _SilencedOn(keyboard, emulator, device, "configuration")  # type: ignore[assignment]
        result = _run(target, painter, tmp_path)
    assert result.verdict == "error"
    assert result.reason.startswith("rig problem (KeyNotAccepted)")
    assert "no acknowledgement" in result.reason
    saved = _complete_bundle(result)
    assert saved["steps"][-1]["name"] == "provision"
    assert saved["steps"][-1]["outcome"] == "error" and saved["steps"][-1]["screenshot"]


class _SilentBmc:
    """A TCP server on 127.0.0.1 that accepts and reads, and never answers (a hung BMC)."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _ = self.server.accept()
                self.connections.append(connection)

    def close(self) -> None:
        for connection in self.connections:
            connection.close()
        self.server.close()


def test_a_bmc_that_never_answers_is_a_rig_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bmc = _SilentBmc()
    monkeypatch.setenv("TEST_SILENT_BMC_PASSWORD", "never-logged")
    try:
        painter = ViewPainter()
        target = make_sim_target("success", clock=VirtualClock(), render_bgr=painter)
        settings = {
            "url": f"http://127.0.0.1:{bmc.port}",
            "system_id": "1",
            "user": "admin",
            "password_env": "TEST_SILENT_BMC_PASSWORD",
            "timeout_s": 0.3,
        }
        target.power = redfish.create("power", settings, source="rig.yaml: power")
        result = _run(target, painter, tmp_path)
    finally:
        bmc.close()
    assert result.verdict == "error"
    assert result.reason.startswith("rig problem (")
    saved = _complete_bundle(result)
    assert saved["steps"][-1]["name"] == "power-on"
    assert "never-logged" not in (Path(result.bundle_dir) / "run.log").read_text()
