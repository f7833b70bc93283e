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
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests._processes import stop
from tests.e2e_required import missing_component
from tests.libvirt_guest import Daemons

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
        ["virsh", "-c", uri, *args], capture_output=True, text=True, timeout=180, check=check
    )


def domain_state(uri: str) -> str:
    return virsh(uri, "domstate", DOMAIN_NAME).stdout.strip()


@pytest.fixture(scope="module")
def power_domain(
    libvirt_system: Daemons, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    uri = libvirt_system.uri
    tmp_path = tmp_path_factory.mktemp("power-domain")
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


def warm_up(base_url: str, system_id: str) -> None:
    """sushy-tools' first GET of a system queries libvirt's host capabilities several times;
    where libvirtd re-probes QEMU for each query (seen in containers: 8 s a query) that first GET
    takes about a minute. Later requests take milliseconds. Pay it once here."""
    url = f"{base_url}/redfish/v1/Systems/{system_id}"
    token = base64.b64encode(f"{BMC_USER}:{BMC_PASSWORD}".encode()).decode()
    headers = {"Authorization": f"Basic {token}"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - 127.0.0.1
    for attempt in range(3):
        try:
            with urllib.request.urlopen(request, timeout=240) as answer:  # noqa: S310 - 127.0.0.1
                answer.read()
                return
        except urllib.error.HTTPError as problem:
            # 500 when libvirtd dropped sushy's connection (a shared libvirtd restarted by
            # another test session): sushy reconnects on the next request.
            if problem.code != 500 or attempt == 2:
                raise
            time.sleep(2)


@dataclass(frozen=True)
class SushyPeer:
    url: str
    process: subprocess.Popen[bytes]


@contextlib.contextmanager
def running_sushy(uri: str, tmp_path: Path) -> Iterator[SushyPeer]:
    """sushy-emulator on 127.0.0.1 (a free port) over every domain of ``uri``, basic auth."""
    try:
        import bcrypt
    except ImportError:
        missing_component("bcrypt not installed (pip install '.[test]')")
    if not (BIN / "sushy-emulator").exists():
        missing_component("sushy-tools not installed (pip install '.[test]')")
    tmp_path.mkdir(parents=True, exist_ok=True)
    hashed = bcrypt.hashpw(BMC_PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    htpasswd = tmp_path / "htpasswd"
    htpasswd.write_text(f"{BMC_USER}:{hashed}\n", encoding="utf-8")
    config = tmp_path / "sushy.conf"
    config.write_text(
        f"SUSHY_EMULATOR_AUTH_FILE = {str(htpasswd)!r}\nSUSHY_EMULATOR_LIBVIRT_URI = {uri!r}\n",
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
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"sushy-emulator did not start; see {log.name}") from None
                time.sleep(0.2)
        yield SushyPeer(url=f"http://127.0.0.1:{port}", process=process)
    finally:
        stop(process)
        log.close()


@pytest.fixture(scope="module")
def sushy_emulator(
    power_domain: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SushyPeer]:
    with running_sushy(power_domain, tmp_path_factory.mktemp("sushy")) as peer:
        warm_up(peer.url, DOMAIN_UUID)
        yield peer


@dataclass(frozen=True)
class VbmcPeer:
    port: int
    process: subprocess.Popen[bytes]


def _vbmc(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "vbmc"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def _wait_for_ipmi(port: int, timeout_s: float = 60) -> None:
    """The BMC's own process may take a moment (longer on a loaded host) to answer RMCP+."""
    argv = ["ipmitool", "-I", "lanplus", "-H", "127.0.0.1", "-p", str(port), "-U", BMC_USER]
    argv += ["-E", "-N", "2", "-R", "1", "chassis", "power", "status"]
    env = {**os.environ, "IPMI_PASSWORD": BMC_PASSWORD}
    deadline = time.monotonic() + timeout_s
    while subprocess.run(argv, env=env, capture_output=True, timeout=60, check=False).returncode:
        if time.monotonic() > deadline:
            raise RuntimeError(f"virtual BMC on port {port} does not answer IPMI")
        time.sleep(0.5)


@contextlib.contextmanager
def running_vbmc(uri: str, domain: str, tmp_path: Path) -> Iterator[VbmcPeer]:
    """vbmcd in the foreground with its own config, and one started BMC for ``domain``."""
    if not (BIN / "vbmcd").exists():
        missing_component("virtualbmc not installed (pip install '.[test]')")
    tmp_path.mkdir(parents=True, exist_ok=True)
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
            env, "add", domain, "--port", str(port), "--address", "127.0.0.1",
            "--username", BMC_USER, "--password", BMC_PASSWORD, "--libvirt-uri", uri,
        )  # fmt: skip
        _vbmc(env, "start", domain)
        # A port in use is accepted silently and the BMC goes to "error": check it runs.
        shown = _vbmc(env, "show", domain, "-f", "value", "-c", "Property", "-c", "Value")
        status = dict(line.split(" ", 1) for line in shown.stdout.splitlines() if " " in line)
        if status.get("status") != "running":
            raise RuntimeError(f"virtual BMC is not running: {shown.stdout}")
        _wait_for_ipmi(port)
        yield VbmcPeer(port=port, process=process)
    finally:
        stop(process)
        log.close()


@pytest.fixture(scope="module")
def virtual_bmc(power_domain: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[VbmcPeer]:
    with running_vbmc(power_domain, DOMAIN_NAME, tmp_path_factory.mktemp("vbmc")) as peer:
        yield peer
