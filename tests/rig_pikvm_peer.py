"""The PiKVM peer and the backend's settings for it, shared by the PiKVM test files."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from harness.sim.peers.pikvm_server import PiKvmServer
from tests.rig_doubles import RecordingKeyboard, RecordingPower, SolidColourScreen

PASSWORD = "s3cret-kvm"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def device_keyboard() -> RecordingKeyboard:
    return RecordingKeyboard()


@pytest.fixture
def device_power() -> RecordingPower:
    return RecordingPower(on=True)


@pytest.fixture
def make_server(
    device_keyboard: RecordingKeyboard, device_power: RecordingPower
) -> Iterator[Callable[..., PiKvmServer]]:
    started: list[PiKvmServer] = []

    def make(**options: object) -> PiKvmServer:
        options.setdefault("atx_time_scale", 50.0)
        server = PiKvmServer(
            SolidColourScreen((0, 255, 0)),
            device_keyboard,
            device_power,
            user="admin",
            password=PASSWORD,
            **options,  # type: ignore[arg-type]
        ).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def server(make_server: Callable[..., PiKvmServer]) -> PiKvmServer:
    return make_server()


def pikvm_settings(server: PiKvmServer, monkeypatch: pytest.MonkeyPatch, **extra: object) -> dict:
    monkeypatch.setenv("TEST_PIKVM_PASSWORD", PASSWORD)
    return {
        "url": server.url,
        "password_env": "TEST_PIKVM_PASSWORD",
        "tls_fingerprint": server.fingerprint,
        "power_poll_s": 0.01,
        **extra,
    }


@pytest.fixture
def settings(server: PiKvmServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    return pikvm_settings(server, monkeypatch)


def wait_until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    """Wait for an event of the peer's threads (bounded; the condition decides, not the time)."""
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def posted(server: PiKvmServer, path: str) -> list[dict[str, str]]:
    return [query for method, p, query in server.requests if method == "POST" and p == path]
