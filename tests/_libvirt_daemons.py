"""Start virtlogd + libvirtd for tests that need a real libvirt, and stop them by PID.

Shared by the libvirt and rig tests: a test module imports the session fixture
``libvirt_daemons`` (``from tests._libvirt_daemons import libvirt_daemons``). When a libvirtd
already answers on ``qemu:///system`` (a developer machine, or another fixture of this session),
nothing is started and nothing is stopped. Otherwise both daemons run in the foreground as
children of the test process (never ``-d``: a daemonized process's PID is not ours to know for
sure) and are terminated by their PIDs at the end of the session. Skips the tests when the
daemons are not installed or cannot start (not root, no /dev/kvm is fine: QEMU uses TCG).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

LIBVIRT_URI = "qemu:///system"


def libvirt_answers() -> bool:
    if shutil.which("virsh") is None:
        return False
    probe = subprocess.run(
        ["virsh", "-c", LIBVIRT_URI, "version"], capture_output=True, timeout=30, check=False
    )
    return probe.returncode == 0


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def libvirt_daemons(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Yield the libvirt URI once a libvirtd answers on it."""
    if libvirt_answers():
        yield LIBVIRT_URI
        return
    daemons = [shutil.which("virtlogd"), shutil.which("libvirtd")]
    if None in daemons:
        pytest.skip("virtlogd/libvirtd not installed (Debian: libvirt-daemon-system)")
    logs: Path = tmp_path_factory.mktemp("libvirt-daemons")
    started: list[subprocess.Popen[bytes]] = []
    try:
        for daemon in daemons:
            assert daemon is not None
            log = (logs / f"{Path(daemon).name}.log").open("wb")
            started.append(subprocess.Popen([daemon], stdout=log, stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 60
        while not libvirt_answers():
            if any(process.poll() is not None for process in started):
                pytest.skip(f"libvirt daemons exited at start; logs in {logs}")
            if time.monotonic() > deadline:
                pytest.skip(f"libvirtd did not answer within 60 s; logs in {logs}")
            time.sleep(0.5)
        yield LIBVIRT_URI
    finally:
        for process in reversed(started):
            _stop(process)
