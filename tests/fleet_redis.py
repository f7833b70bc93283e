"""A real ``redis-server`` (Debian package) on 127.0.0.1 for the fleet tests, one per session.

Started with no persistence in a temp folder on a free port, stopped by PID. Missing
redis-server skips the fleet tests with the reason, or fails them in CI (HARNESS_REQUIRE_E2E=1).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests._processes import stop
from tests.e2e_required import missing_component


@dataclass(frozen=True)
class RedisServer:
    port: int
    folder: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_redis(folder: Path, port: int, *persistence: str) -> subprocess.Popen[bytes]:
    """``redis-server`` in ``folder`` on ``port``, ready to answer; ``persistence``: extra
    options (default none: ``--save "" --appendonly no``)."""
    options = list(persistence) or ["--save", "", "--appendonly", "no"]
    argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
    process = subprocess.Popen([*argv, *options], cwd=folder, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    return process
        except OSError:
            time.sleep(0.05)
    stop(process)
    raise RuntimeError(f"redis-server did not answer on port {port}")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        missing_component("redis-server missing (Debian: redis-server)")
    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    process = start_redis(folder, port)
    try:
        yield RedisServer(port, folder)
    finally:
        stop(process)
