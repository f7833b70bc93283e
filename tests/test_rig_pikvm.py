"""PiKVM backend against ``harness.sim.peers.pikvm_server``, a peer written from kvmd's source.

Each of the issue's seven PiKVM points has a test here that the old client failed: snapshots
with the default (non-forever) streamer, off-then-on meeting kvmd's 409, the stock certificate,
http:// URLs, TOTP, ATX disabled, 403 vs 401 and the chord hold time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import requests

from harness.errors import ConfigError, ConnectionLost, KeyNotAccepted, NoFrame, PowerControlError
from harness.keys.vocabulary import key
from harness.sim.peers.pikvm_server import PiKvmServer
from harness.targets import pikvm
from harness.targets.protocols import GracefulPower, PowerState
from harness.targets.target import Target
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


def _settings(server: PiKvmServer, monkeypatch: pytest.MonkeyPatch, **extra: object) -> dict:
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
    return _settings(server, monkeypatch)


def _wait_until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    """Wait for an event of the peer's threads (bounded; the condition decides, not the time)."""
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def _posts(server: PiKvmServer, path: str) -> list[dict[str, str]]:
    return [query for method, p, query in server.requests if method == "POST" and p == path]


# -- keys -------------------------------------------------------------------------------------


def test_press_sends_key_down_then_up(
    server: PiKvmServer, settings: dict[str, object], device_keyboard: RecordingKeyboard
) -> None:
    keyboard = pikvm.create("keyboard", settings, source="t")
    keyboard.press(key("leftsuper"), hold_s=0.0)
    assert _posts(server, "/api/hid/events/send_key") == [
        {"key": "MetaLeft", "state": "true"},
        {"key": "MetaLeft", "state": "false"},
    ]
    assert device_keyboard.received == [("leftsuper",)]


def test_chord_is_sent_as_events_so_the_hold_time_is_ours(
    server: PiKvmServer, settings: dict[str, object], device_keyboard: RecordingKeyboard
) -> None:
    """kvmd's send_shortcut has no hold time (events 50 ms apart): the old client used it."""
    keyboard = pikvm.create("keyboard", settings, source="t")
    started = time.monotonic()
    keyboard.chord([key("leftctrl"), key("leftshift"), key("d")], hold_s=0.3)
    assert time.monotonic() - started >= 0.3
    assert _posts(server, "/api/hid/events/send_shortcut") == []
    assert _posts(server, "/api/hid/events/send_key") == [
        {"key": "ControlLeft", "state": "true"},
        {"key": "ShiftLeft", "state": "true"},
        {"key": "KeyD", "state": "true"},
        {"key": "KeyD", "state": "false"},
        {"key": "ShiftLeft", "state": "false"},
        {"key": "ControlLeft", "state": "false"},
    ]
    assert device_keyboard.received == [("leftctrl", "leftshift", "d")]
    assert server.held.held == ()


def test_wrong_password_is_403_and_said_so(
    server: PiKvmServer, settings: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_PIKVM_PASSWORD", "wrong-pw")
    keyboard = pikvm.create("keyboard", settings, source="t")
    with pytest.raises(KeyNotAccepted, match=r"HTTP 403 wrong user or password") as raised:
        keyboard.press(key("enter"))
    assert "wrong-pw" not in str(raised.value)
    assert ("/api/hid/events/send_key", 403) in server.statuses


def test_the_peer_answers_401_without_credentials_and_routes_before_auth(
    server: PiKvmServer,
) -> None:
    def status(path: str) -> int:
        return requests.get(server.url + path, verify=False, timeout=5).status_code  # noqa: S501 - the peer's own certificate

    assert status("/api/atx") == 401
    assert status("/api/atx/power") == 405
    assert status("/api/nothing") == 404


# -- 2FA --------------------------------------------------------------------------------------


def test_totp_code_is_appended_to_the_password(
    make_server: Callable[..., PiKvmServer],
    monkeypatch: pytest.MonkeyPatch,
    device_keyboard: RecordingKeyboard,
) -> None:
    server = make_server(totp_secret=TOTP_SECRET)
    without = pikvm.create("keyboard", _settings(server, monkeypatch), source="t")
    with pytest.raises(KeyNotAccepted, match=r"403.*totp_secret_env"):
        without.press(key("enter"), hold_s=0.0)
    monkeypatch.setenv("TEST_PIKVM_TOTP", TOTP_SECRET)
    settings = _settings(server, monkeypatch, totp_secret_env="TEST_PIKVM_TOTP")
    pikvm.create("keyboard", settings, source="t").press(key("enter"), hold_s=0.0)
    assert device_keyboard.received == [("enter",)]


def test_a_bad_totp_secret_is_a_config_error(
    server: PiKvmServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_PIKVM_TOTP", "not base32 at all!")
    settings = _settings(server, monkeypatch, totp_secret_env="TEST_PIKVM_TOTP")
    with pytest.raises(ConfigError, match="base32") as raised:
        pikvm.create("keyboard", settings, source="t")
    assert raised.value.key == "totp_secret_env"


# -- screen -----------------------------------------------------------------------------------


def test_the_peer_has_no_snapshot_while_no_stream_client_is_connected(
    server: PiKvmServer,
) -> None:
    headers = {"X-KVMD-User": "admin", "X-KVMD-Passwd": PASSWORD}
    url = server.url + "/api/streamer/snapshot"
    answer = requests.get(url, headers=headers, verify=False, timeout=5)  # noqa: S501 - the peer's own certificate
    assert answer.status_code == 503


def test_snapshot_works_with_the_default_streamer_settings(
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
    _wait_until(lambda: server.stream_clients == 0)
    assert server.stream_clients == 0


def test_a_streamer_that_never_starts_names_the_setting(
    make_server: Callable[..., PiKvmServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = make_server(streamer_fails=True)
    settings = _settings(server, monkeypatch, stream_start_timeout_s=0.3)
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
    screen = pikvm.create("screen", _settings(server, monkeypatch), source="t")
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
    assert [q for q in _posts(server, "/api/atx/power")] == [
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
    _wait_until(lambda: device_power.on)
    power = pikvm.create("power", _settings(server, monkeypatch), source="t")
    worker = threading.Thread(target=power.power_off)
    worker.start()
    _wait_until(lambda: ("/api/atx/power", 409) in server.statuses)
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
    _wait_until(lambda: device_power.on)
    power = pikvm.create("power", _settings(server, monkeypatch, busy_timeout_s=0.2), source="t")
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
    power = pikvm.create("power", _settings(server, monkeypatch), source="t")
    with caplog.at_level(logging.WARNING):
        assert power.power_state() == PowerState.UNKNOWN
    assert "another power backend" in caplog.text
    with pytest.raises(PowerControlError, match=r"ATX is disabled.*another power backend"):
        power.power_on()
    assert _posts(server, "/api/atx/power") == []


def test_all_role_builds_a_target(settings: dict[str, object]) -> None:
    target = pikvm.create("all", settings, source="lab.yaml: target")
    assert isinstance(target, Target)
    try:
        assert target.power_state() == PowerState.ON
    finally:
        target.close()


# -- URL and TLS ------------------------------------------------------------------------------


def test_http_urls_are_refused_with_the_reason(
    server: PiKvmServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(server, monkeypatch, url=server.http_url)
    del settings["tls_fingerprint"]
    with pytest.raises(ConfigError, match=r"https:// only.*301.*405") as raised:
        pikvm.create("power", settings, source="t")
    assert raised.value.key == "url"


def test_the_peer_redirects_http_and_a_followed_post_becomes_a_get(server: PiKvmServer) -> None:
    answer = requests.post(
        server.http_url + "/api/atx/power?action=on", allow_redirects=False, timeout=5
    )
    assert answer.status_code == 301
    assert answer.headers["Location"].startswith(server.url + "/api/atx/power")
    url = server.http_url + "/api/atx/power?action=on"
    followed = requests.post(url, verify=False, timeout=5)  # noqa: S501 - the peer's own certificate
    assert followed.request.method == "GET" and followed.status_code == 405


def test_the_stock_certificate_is_refused_unless_pinned(
    server: PiKvmServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(server, monkeypatch)
    del settings["tls_fingerprint"]
    for extra in ({}, {"ca_file": str(server.cert_file)}):
        power = pikvm.create("power", {**settings, **extra}, source="t")
        with pytest.raises(ConnectionLost, match="TLS"):
            power.power_state()
    wrong = "sha256:" + ":".join(["00"] * 32)
    power = pikvm.create("power", {**settings, "tls_fingerprint": wrong}, source="t")
    with pytest.raises(ConnectionLost, match=r"TLS.*ingerprint"):
        power.power_state()
    assert server.requests == []  # nothing (no password) was sent to an unverified server
    pinned = pikvm.create("power", {**settings, "tls_fingerprint": server.fingerprint}, source="t")
    assert pinned.power_state() == PowerState.ON


@pytest.mark.parametrize(
    ("extra", "bad_key", "message"),
    [
        ({"password": "x"}, "password", "literal password"),
        ({"tls_fingerprint": "sha256:12"}, "tls_fingerprint", "64 hex digits"),
        ({"tls_fingerprint": "sha256:" + "ab" * 32, "verify_tls": False}, "tls_fingerprint", ""),
        ({"url": "https://admin:pw@kvm"}, "url", "no user or password in the URL"),
        ({"ca_file": "/nonexistent/ca.pem"}, "ca_file", "no such file"),
        ({"stream": True}, "stream", "unknown setting"),
    ],
)
def test_bad_settings_name_the_key(
    monkeypatch: pytest.MonkeyPatch, extra: dict[str, object], bad_key: str, message: str
) -> None:
    monkeypatch.setenv("TEST_PIKVM_PASSWORD", PASSWORD)
    settings = {"url": "https://127.0.0.1:1", "password_env": "TEST_PIKVM_PASSWORD", **extra}
    with pytest.raises(ConfigError, match=message) as raised:
        pikvm.create("power", settings, source="lab.yaml")
    assert raised.value.key == bad_key


def test_verification_is_on_by_default_and_off_is_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("TEST_PIKVM_PASSWORD", PASSWORD)
    base = {"url": "https://127.0.0.1:1", "password_env": "TEST_PIKVM_PASSWORD"}
    assert pikvm.create("power", base, source="t").client.tls.verify is True
    with caplog.at_level(logging.WARNING):
        unverified = pikvm.create("power", {**base, "verify_tls": False}, source="t")
    assert unverified.client.tls.verify is False
    assert "verification is OFF" in caplog.text


def test_unreachable_pikvm_is_connection_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_PIKVM_PASSWORD", PASSWORD)
    settings = {"url": "https://127.0.0.1:9", "password_env": "TEST_PIKVM_PASSWORD"}
    with pytest.raises(ConnectionLost, match=r"127\.0\.0\.1:9") as raised:
        pikvm.create("keyboard", settings, source="t").press(key("enter"))
    assert PASSWORD not in str(raised.value)
