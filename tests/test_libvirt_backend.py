"""The libvirt backend against a real libvirtd + QEMU running the stand-in guest (no flow).

Boot: the first OOBE screen arrives through ``virDomain.screenshot`` pixel-for-pixel as the
renderer drew it; five Windows-key presses through ``sendKey`` open the options dialog; ACPI
shutdown powers the guest off with lifecycle events. Plus plumbing on libvirt's test driver.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable

import numpy as np
import pytest

from harness.keys import key
from harness.sim.model.samples import view_for
from harness.sim.render import render
from harness.targets.events import TargetEventKind
from harness.targets.libvirt import LibvirtDomain, create
from harness.targets.protocols import PowerState
from harness.targets.target import Target
from tests.e2e_required import missing_component
from tests.libvirt_guest import StandinDomain

pytestmark = pytest.mark.libvirt

SIZE = (1024, 768)
BOOT_WAIT_S = 150
"""A guard against a guest that never boots, not a speed check: the stand-in guest reaches OOBE
in about 20 s under TCG on an idle 2-core machine, and took more than 40 s at the start of a
`make test` whose other worker was busy (this test's old limit)."""
KEYS_WAIT_S = 45


def _expected(screen: str) -> np.ndarray:
    rgb = np.asarray(render(view_for(screen, windows=10), SIZE).convert("RGB"))
    return rgb[:, :, ::-1]


def _wait_for_picture(backend: LibvirtDomain, expected: np.ndarray, timeout_s: float) -> float:
    """Seconds until a grabbed frame equals ``expected`` (mean difference under 1 level)."""
    started = time.monotonic()
    difference = float("inf")
    while time.monotonic() - started < timeout_s:
        frame = backend.grab()
        if frame.image.shape == expected.shape:
            difference = float(np.abs(frame.image.astype(int) - expected.astype(int)).mean())
            if difference < 1.0:
                return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"picture not seen in {timeout_s} s (last mean difference {difference})")


def _backend(domain: StandinDomain) -> tuple[Target, LibvirtDomain]:
    target = create("all", {"domain": domain.name}, source="test")
    assert isinstance(target, Target)
    assert isinstance(target.screen, LibvirtDomain)
    return target, target.screen


def test_boot_shows_oobe_and_windows_key_opens_options(
    standin_domains: Callable[..., StandinDomain],
) -> None:
    domain = standin_domains("success", time_scale=60)
    target, backend = _backend(domain)
    try:
        assert backend.power_state() is PowerState.OFF
        backend.power_on()
        first = _wait_for_picture(backend, _expected("oobe-region"), BOOT_WAIT_S)
        assert backend.power_state() is PowerState.ON
        frame = backend.grab()
        assert (frame.width, frame.height) == SIZE
        assert frame.source == f"libvirt:{domain.name}"
        for _ in range(5):
            backend.press(key("leftsuper"))
            time.sleep(0.2)
        _wait_for_picture(backend, _expected("options"), KEYS_WAIT_S)
        assert domain.serial_text().count("key leftsuper accepted") == 5
        kinds = [event.kind for event in target.drain_events()]
        assert kinds[0] is TargetEventKind.POWERED_ON
        print(f"first OOBE frame {first:.1f} s after create")
    finally:
        target.close()


def _disconnect_this_process() -> int:
    """Make libvirtd drop this process's client connections (``virt-admin client-disconnect``)."""
    listing = subprocess.run(
        ["virt-admin", "srv-clients-list", "libvirtd"], capture_output=True, text=True, check=True
    ).stdout
    dropped = 0
    for client_id in re.findall(r"^\s*(\d+)\s", listing, re.MULTILINE):
        info = subprocess.run(
            ["virt-admin", "client-info", "libvirtd", client_id],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        if re.search(rf"unix_process_id\s*:\s*{os.getpid()}\b", info):
            subprocess.run(
                ["virt-admin", "client-disconnect", "libvirtd", client_id],
                capture_output=True,
                check=True,
            )
            dropped += 1
    return dropped


def test_reconnects_then_acpi_shutdown_powers_off_with_events(
    standin_domains: Callable[..., StandinDomain],
) -> None:
    """The server drops the connection mid-run; the backend reconnects, re-registers its event
    callbacks (the power-off events after the reconnection prove it) and carries on."""
    if shutil.which("virt-admin") is None:
        missing_component("virt-admin missing (Debian: libvirt-clients)")
    domain = standin_domains("success", time_scale=60)
    target, backend = _backend(domain)
    try:
        backend.power_on()
        _wait_for_picture(backend, _expected("oobe-region"), BOOT_WAIT_S)
        assert _disconnect_this_process() == 1
        time.sleep(0.5)
        assert backend.power_state() is PowerState.ON  # reconnects on the way
        kinds = [event.kind for event in target.drain_events()]
        assert TargetEventKind.CONNECTION_LOST in kinds
        assert kinds[-1] is TargetEventKind.RECONNECTED
        backend.shutdown()
        deadline = time.monotonic() + 20
        seen: list[TargetEventKind] = []
        while TargetEventKind.POWERED_OFF not in seen and time.monotonic() < deadline:
            seen += [event.kind for event in target.drain_events()]
            time.sleep(0.2)
        assert TargetEventKind.POWERED_OFF in seen
        assert backend.power_state() is PowerState.OFF
        assert "ACPI power button" in domain.serial_text()
    finally:
        target.close()


def test_lifecycle_events_on_the_test_driver() -> None:
    """Plumbing only: libvirt's test:///default driver has a running domain called 'test'."""
    target = create("all", {"uri": "test:///default", "domain": "test"}, source="test")
    try:
        assert target.power_state() is PowerState.ON
        assert target.power is not None
        target.power.power_off()
        target.power.power_on()
        deadline = time.monotonic() + 5
        kinds: list[TargetEventKind] = []
        while len(kinds) < 2 and time.monotonic() < deadline:
            kinds += [event.kind for event in target.drain_events()]
            time.sleep(0.05)
        assert kinds == [TargetEventKind.POWERED_OFF, TargetEventKind.POWERED_ON]
    finally:
        target.close()
