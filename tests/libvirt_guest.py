"""Fixtures for the tests that run the stand-in guest under a real libvirtd + QEMU.

- ``libvirt_system``: a libvirtd answering on qemu:///system. When none answers, virtlogd and
  libvirtd are started as children of the test process (foreground, so their PIDs are ours for
  sure) and stopped by those PIDs at the end of the session. ``Daemons.owned`` says whether this
  session started them: only then may a test kill and restart libvirtd.
- ``standin_guest``: the guest built (or reused from the cache) by ``harness sim guest build``,
  copied into a folder under /var/lib/libvirt/images that the ``libvirt-qemu`` user can read.
- ``standin_domains``: defines persistent domains from the ``standin`` template (domain type
  qemu, unique names) and destroys + undefines each at the end of its test, pass or fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from harness.sim.guest.builder import GuestBuild, build_guest, guest_cmdline
from harness.targets.libvirt_templates import render_template
from tests._kvm_device import apply_debian_kvm_mode
from tests._processes import stop
from tests.e2e_required import missing_component

LIBVIRT_URI = "qemu:///system"
GUEST_FILES_ROOT = Path("/var/lib/libvirt/images")


def libvirt_answers() -> bool:
    if shutil.which("virsh") is None:
        return False
    probe = subprocess.run(
        ["virsh", "-c", LIBVIRT_URI, "version"], capture_output=True, timeout=30, check=False
    )
    return probe.returncode == 0


@dataclass
class Daemons:
    uri: str
    owned: bool
    logs: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str) -> None:
        binary = shutil.which(name)
        assert binary is not None
        with (self.logs / f"{name}.log").open("ab") as log:  # the child keeps its own copy
            self.processes[name] = subprocess.Popen([binary], stdout=log, stderr=subprocess.STDOUT)

    def wait_until_answering(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while not libvirt_answers():
            if any(process.poll() is not None for process in self.processes.values()):
                missing_component(f"libvirt daemons exited at start; logs in {self.logs}")
            if time.monotonic() > deadline:
                missing_component(
                    f"libvirtd did not answer within {timeout_s} s; logs in {self.logs}"
                )
            time.sleep(0.3)

    def kill_libvirtd(self) -> None:
        """SIGKILL the libvirtd this session started (by its PID): a crash, not a clean stop."""
        assert self.owned, "only a libvirtd this session started may be killed"
        process = self.processes["libvirtd"]
        process.kill()
        process.wait(timeout=10)

    def restart_libvirtd(self) -> None:
        assert self.owned
        self.start("libvirtd")
        self.wait_until_answering()


@pytest.fixture(scope="session")
def libvirt_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemons]:
    logs = tmp_path_factory.mktemp("libvirt-daemons")
    (logs / "kvm-device.txt").write_text(apply_debian_kvm_mode() + "\n")
    if libvirt_answers():
        yield Daemons(LIBVIRT_URI, owned=False, logs=logs)
        return
    if shutil.which("virtlogd") is None or shutil.which("libvirtd") is None:
        missing_component("virtlogd/libvirtd not installed (Debian: libvirt-daemon-system)")
    daemons = Daemons(LIBVIRT_URI, owned=True, logs=logs)
    try:
        daemons.start("virtlogd")  # libvirtd needs it for QEMU's log files
        daemons.start("libvirtd")
        daemons.wait_until_answering()
        yield daemons
    finally:
        for name in ("libvirtd", "virtlogd"):
            if name in daemons.processes:
                stop(daemons.processes[name])


@dataclass(frozen=True)
class StandinGuest:
    build: GuestBuild
    folder: Path


@pytest.fixture(scope="session")
def standin_guest(libvirt_system: Daemons) -> Iterator[StandinGuest]:
    if not GUEST_FILES_ROOT.is_dir():
        missing_component(f"{GUEST_FILES_ROOT} missing (Debian: libvirt-daemon-system)")
    folder = GUEST_FILES_ROOT / f"autopilot-harness-test-{os.getpid()}"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    try:
        build = build_guest(out_dir=folder)
        yield StandinGuest(build, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class StandinDomain:
    name: str
    serial_log: Path

    def serial_text(self) -> str:
        try:
            return self.serial_log.read_text(errors="replace")
        except OSError:
            return ""


@pytest.fixture
def standin_domains(
    libvirt_system: Daemons, standin_guest: StandinGuest
) -> Iterator[Callable[..., StandinDomain]]:
    """``define(scenario, time_scale=60, **overrides)`` -> a defined (not started) domain."""
    import libvirt

    defined: list[str] = []

    def define(scenario: str, time_scale: float = 60, **overrides: object) -> StandinDomain:
        name = f"harness-test-{uuid.uuid4().hex[:10]}"
        serial_log = standin_guest.folder / f"{name}.serial.log"
        xml = render_template(
            "standin",
            {
                "name": name,
                "kernel": str(standin_guest.build.kernel),
                "initrd": str(standin_guest.build.initrd),
                "cmdline": guest_cmdline(scenario, time_scale, **overrides),
                "serial_log": str(serial_log),
                "domain_type": "qemu",  # TCG: the nested KVM here crawls
            },
        )
        conn = libvirt.open(libvirt_system.uri)
        try:
            conn.defineXML(xml)
        finally:
            conn.close()
        defined.append(name)
        return StandinDomain(name, serial_log)

    try:
        yield define
    finally:
        _remove_domains(libvirt_system, defined)


def _remove_domains(daemons: Daemons, names: list[str]) -> None:
    import libvirt

    if not libvirt_answers() and daemons.owned and daemons.processes["libvirtd"].poll() is not None:
        daemons.restart_libvirtd()  # a test killed it: bring it back to clean up
    conn = libvirt.open(daemons.uri)
    try:
        for name in names:
            try:
                dom = conn.lookupByName(name)
            except libvirt.libvirtError:
                continue
            if dom.isActive():
                with contextlib.suppress(libvirt.libvirtError):
                    dom.destroy()
            dom.undefine()
    finally:
        conn.close()
