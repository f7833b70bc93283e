"""Real BMC emulators in front of a tiny real libvirt domain, for the redfish and ipmi tests.

- ``power_domain``: a QEMU (TCG) domain with no disk: SeaBIOS finds nothing to boot and waits,
  which is all On / ForceOff / state need. Fixed UUID (sushy-tools uses it as the system Id).
- ``sushy_emulator``: OpenStack sushy-tools' ``sushy-emulator`` on 127.0.0.1 with basic auth
  (bcrypt cost 4: each request re-hashes), ``TMPDIR`` in the test's folder.
- ``virtual_bmc``: OpenStack virtualbmc: ``vbmcd --foreground`` with its own config, then
  ``vbmc add`` / ``vbmc start`` and a check that the BMC really runs (a port in use is accepted
  silently and the BMC goes to ``error``).
Every process is a child of the test and is stopped by its PID.
"""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests._libvirt_daemons import libvirt_daemons  # noqa: F401 - re-exported fixture

BIN = Path(sys.executable).parent
DOMAIN_NAME = "harness-rig-power-test"
DOMAIN_UUID = "5e1f3c2a-7d41-4c8b-9a0e-2b6f1d3c4e5f"
BMC_USER = "admin"
BMC_PASSWORD = "rig-test-pw"
DOMAIN_XML = f"""<domain type='qemu'>
  <name>{DOMAIN_NAME}</name>
  <uuid>{DOMAIN_UUID}</uuid>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>
</domain>
"""


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def virsh(uri: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["virsh", "-c", uri, *args], capture_output=True, text=True, timeout=60, check=check
    )


def domain_state(uri: str) -> str:
    return virsh(uri, "domstate", DOMAIN_NAME).stdout.strip()


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture
def power_domain(libvirt_daemons: str, tmp_path: Path) -> Iterator[str]:  # noqa: F811
    uri = libvirt_daemons
    virsh(uri, "destroy", DOMAIN_NAME, check=False)
    virsh(uri, "undefine", DOMAIN_NAME, check=False)
    xml = tmp_path / "domain.xml"
    xml.write_text(DOMAIN_XML, encoding="utf-8")
    virsh(uri, "define", str(xml))
    try:
        yield uri
    finally:
        virsh(uri, "destroy", DOMAIN_NAME, check=False)
        virsh(uri, "undefine", DOMAIN_NAME, check=False)


def _warm_up(url: str) -> None:
    """sushy-tools' first GET of a system queries libvirt's host capabilities several times;
    where libvirtd re-probes QEMU for each query (seen in containers: 8 s a query) that first GET
    takes about a minute. Later requests take milliseconds. Pay it once here."""
    token = base64.b64encode(f"{BMC_USER}:{BMC_PASSWORD}".encode()).decode()
    request = urllib.request.Request(url, headers={"Authorization": f"Basic {token}"})
    with urllib.request.urlopen(request, timeout=240) as answer:  # noqa: S310 - 127.0.0.1
        answer.read()


@dataclass(frozen=True)
class SushyPeer:
    url: str
    process: subprocess.Popen[bytes]


@pytest.fixture
def sushy_emulator(power_domain: str, tmp_path: Path) -> Iterator[SushyPeer]:
    bcrypt = pytest.importorskip("bcrypt")
    if not (BIN / "sushy-emulator").exists():
        pytest.skip("sushy-tools not installed (pip install '.[test]')")
    hashed = bcrypt.hashpw(BMC_PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    htpasswd = tmp_path / "htpasswd"
    htpasswd.write_text(f"{BMC_USER}:{hashed}\n", encoding="utf-8")
    config = tmp_path / "sushy.conf"
    config.write_text(
        f"SUSHY_EMULATOR_AUTH_FILE = {str(htpasswd)!r}\n"
        f"SUSHY_EMULATOR_LIBVIRT_URI = {power_domain!r}\n",
        encoding="utf-8",
    )
    state = tmp_path / "sushy-tmp"
    state.mkdir()
    port = free_port()
    log = (tmp_path / "sushy.log").open("wb")
    process = subprocess.Popen(
        [str(BIN / "sushy-emulator"), "-i", "127.0.0.1", "-p", str(port), "--config", str(config)],
        env={**os.environ, "TMPDIR": str(state)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"sushy-emulator did not start; see {log.name}") from None
                time.sleep(0.2)
        _warm_up(f"{url}/redfish/v1/Systems/{DOMAIN_UUID}")
        yield SushyPeer(url=url, process=process)
    finally:
        stop_process(process)
        log.close()


@dataclass(frozen=True)
class VbmcPeer:
    port: int
    process: subprocess.Popen[bytes]


def _vbmc(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "vbmc"), *args], env=env, capture_output=True, text=True, timeout=60,
        check=True,
    )


@pytest.fixture
def virtual_bmc(power_domain: str, tmp_path: Path) -> Iterator[VbmcPeer]:
    if not (BIN / "vbmcd").exists():
        pytest.skip("virtualbmc not installed (pip install '.[test]')")
    config_dir = tmp_path / "vbmc"
    config_dir.mkdir()
    config = tmp_path / "virtualbmc.conf"
    config.write_text(
        "[default]\n"
        f"config_dir = {config_dir}\n"
        f"pid_file = {tmp_path / 'vbmcd.pid'}\n"
        f"server_port = {free_port()}\n"
        "[log]\n"
        f"logfile = {tmp_path / 'vbmcd.log'}\n",
        encoding="utf-8",
    )
    env = {**os.environ, "VIRTUALBMC_CONFIG": str(config)}
    log = (tmp_path / "vbmcd.out").open("wb")
    process = subprocess.Popen(
        [str(BIN / "vbmcd"), "--foreground"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while subprocess.run(
            [str(BIN / "vbmc"), "list"], env=env, capture_output=True, timeout=30, check=False
        ).returncode:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"vbmcd did not start; see {tmp_path}")
            time.sleep(0.3)
        port = free_port(socket.SOCK_DGRAM)
        _vbmc(
            env, "add", DOMAIN_NAME, "--port", str(port), "--address", "127.0.0.1",
            "--username", BMC_USER, "--password", BMC_PASSWORD, "--libvirt-uri", power_domain,
        )
        _vbmc(env, "start", DOMAIN_NAME)
        shown = _vbmc(env, "show", DOMAIN_NAME, "-f", "value", "-c", "Property", "-c", "Value")
        status = dict(line.split(" ", 1) for line in shown.stdout.splitlines() if " " in line)
        if status.get("status") != "running":
            raise RuntimeError(f"virtual BMC is not running: {shown.stdout}")
        yield VbmcPeer(port=port, process=process)
    finally:
        stop_process(process)
        log.close()
