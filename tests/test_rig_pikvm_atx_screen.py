"""PiKVM screen and ATX power against the peer written from kvmd's source: snapshots with the
default (non-forever) streamer, off-then-on meeting kvmd's 409, a busy ATX, ATX disabled - each
failed with the old client."""

# ruff: noqa: F811 - the peer's fixtures are imported, then requested by name

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import pytest
import requests

from harness.errors import NoFrame, PowerControlError
from harness.sim.peers.pikvm_server import PiKvmServer
from harness.targets import pikvm
from harness.targets.protocols import GracefulPower, PowerState
from harness.targets.target import Target
from tests.rig_doubles import RecordingPower
from tests.rig_pikvm_peer import (  # noqa: F401 - fixtures
    PASSWORD,
    TOTP_SECRET,
    device_keyboard,
    device_power,
    make_server,
    pikvm_settings,
    posted,
    server,
    settings,
    wait_until,
)

# -- screen -----------------------------------------------------------------------------------

# Raw requests to the peer (what it answers, not what the backend does) skip verification.
pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


def test_the_peer_has_no_snapshot_while_no_stream_client_is_connected(
    server: PiKvmServer,
) -> None:
    headers = {"X-KVMD-User": "admin", "X-KVMD-Passwd": PASSWORD}
    url = server.url + "/api/streamer/snapshot"
    answer = requests.get(url, headers=headers, verify=False, timeout=5)  # noqa: S501 - the peer's own certificate
    assert answer.status_code == 503


def test_snapshot_works_with_the_default_streamerpikvm_settings(
    server: PiKvmServer, settings: dict[str, object], device_power: RecordingPower
) -> None:
    """kvmd runs ustreamer only for stream clients: the screen holds a stream websocket."""
    screen = pikvm.create("screen", settings, source="t")
    try:
        frame = screen.grab()
        assert frame.image.shape == (120, 160, 3)
        assert frame.image[60, 80, 1] > 240 and frame.image[60, 80, 2] < 20
        assert server.stream_clients == 1
        device_power.on = False  # no HDMI signal: ustreamer's "no signal" picture, a frame
        assert screen.grab().image.max() < 20
    finally:
        screen.close()
    wait_until(lambda: server.stream_clients == 0)
    assert server.stream_clients == 0


def test_a_streamer_that_never_starts_names_the_setting(
    make_server: Callable[..., PiKvmServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = make_server(streamer_fails=True)
    settings = pikvm_settings(server, monkeypatch, stream_start_timeout_s=0.3)
    screen = pikvm.create("screen", settings, source="t")
    try:
        with pytest.raises(NoFrame, match=r"streamer: \{forever: true\}"):
            screen.grab()
    finally:
        screen.close()


def test_forever_streamer_needs_no_wait(
    make_server: Callable[..., PiKvmServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = make_server(stream_forever=True)
    screen = pikvm.create("screen", pikvm_settings(server, monkeypatch), source="t")
    try:
        assert screen.grab().image.shape == (120, 160, 3)
    finally:
        screen.close()


# -- ATX --------------------------------------------------------------------------------------


def test_off_then_on_waits_for_kvmd_instead_of_meeting_409(
    server: PiKvmServer, settings: dict[str, object], device_power: RecordingPower
) -> None:
    """off_hard holds the button 5.5 s (here /50), the LED is dark after 4 s: without wait=1
    the 'on' that follows the LED arrives while kvmd is still busy and gets 409."""
    power = pikvm.create("power", settings, source="t")
    assert isinstance(power, GracefulPower)
    power.power_off()
    power.power_on()
    assert power.power_state() == PowerState.ON
    assert device_power.actions == ["off", "on"]
    assert [q for q in posted(server, "/api/atx/power")] == [
        {"action": "off_hard", "wait": "1"},
        {"action": "on", "wait": "1"},
    ]
    assert ("/api/atx/power", 409) not in server.statuses


def test_a_busy_atx_is_retried_until_free(
    make_server: Callable[..., PiKvmServer],
    monkeypatch: pytest.MonkeyPatch,
    device_power: RecordingPower,
) -> None:
    gate = threading.Event()
    server = make_server(atx_gate=gate)
    device_power.on = False
    server.atx.action("on", wait=False)  # someone else's click, held until the gate opens
    wait_until(lambda: device_power.on)
    power = pikvm.create("power", pikvm_settings(server, monkeypatch), source="t")
    worker = threading.Thread(target=power.power_off)
    worker.start()
    wait_until(lambda: ("/api/atx/power", 409) in server.statuses)
    assert ("/api/atx/power", 409) in server.statuses
    gate.set()
    worker.join(timeout=10)
    assert power.busy_retries >= 1
    assert power.power_state() == PowerState.OFF


def test_an_atx_busy_for_too_long_is_a_power_error(
    make_server: Callable[..., PiKvmServer],
    monkeypatch: pytest.MonkeyPatch,
    device_power: RecordingPower,
) -> None:
    gate = threading.Event()
    server = make_server(atx_gate=gate)
    device_power.on = False
    server.atx.action("on", wait=False)
    wait_until(lambda: device_power.on)
    power = pikvm.create(
        "power", pikvm_settings(server, monkeypatch, busy_timeout_s=0.2), source="t"
    )
    try:
        with pytest.raises(PowerControlError, match="still busy with another ATX operation"):
            power.power_off()
    finally:
        gate.set()


def test_disabled_atx_is_unknown_not_off(
    make_server: Callable[..., PiKvmServer],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = make_server(atx_enabled=False)
    power = pikvm.create("power", pikvm_settings(server, monkeypatch), source="t")
    with caplog.at_level(logging.WARNING):
        assert power.power_state() == PowerState.UNKNOWN
    assert "another power backend" in caplog.text
    with pytest.raises(PowerControlError, match=r"ATX is disabled.*another power backend"):
        power.power_on()
    assert posted(server, "/api/atx/power") == []


def test_all_role_builds_a_target(settings: dict[str, object]) -> None:
    target = pikvm.create("all", settings, source="lab.yaml: target")
    assert isinstance(target, Target)
    try:
        assert target.power_state() == PowerState.ON
    finally:
        target.close()
