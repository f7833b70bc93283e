"""PiKVM backend against ``harness.sim.peers.pikvm_server``, a peer written from kvmd's source:
keys, auth (403/401, TOTP), URL and TLS. Each test named after one of the issue's PiKVM points
failed with the old client (chord hold time, 403, TOTP, http://, the stock certificate)."""

# ruff: noqa: F811 - the peer's fixtures are imported, then requested by name

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pytest
import requests

from harness.errors import ConfigError, ConnectionLost, KeyNotAccepted
from harness.keys.vocabulary import key
from harness.sim.peers.pikvm_server import PiKvmServer
from harness.targets import pikvm
from harness.targets.protocols import PowerState
from tests.rig_doubles import RecordingKeyboard
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

# -- keys -------------------------------------------------------------------------------------

# Raw requests to the peer (what it answers, not what the backend does) skip verification.
pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


def test_press_sends_key_down_then_up(
    server: PiKvmServer, settings: dict[str, object], device_keyboard: RecordingKeyboard
) -> None:
    keyboard = pikvm.create("keyboard", settings, source="t")
    keyboard.press(key("leftsuper"), hold_s=0.0)
    assert posted(server, "/api/hid/events/send_key") == [
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
    assert posted(server, "/api/hid/events/send_shortcut") == []
    assert posted(server, "/api/hid/events/send_key") == [
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
    without = pikvm.create("keyboard", pikvm_settings(server, monkeypatch), source="t")
    with pytest.raises(KeyNotAccepted, match=r"403.*totp_secret_env"):
        without.press(key("enter"), hold_s=0.0)
    monkeypatch.setenv("TEST_PIKVM_TOTP", TOTP_SECRET)
    settings = pikvm_settings(server, monkeypatch, totp_secret_env="TEST_PIKVM_TOTP")
    pikvm.create("keyboard", settings, source="t").press(key("enter"), hold_s=0.0)
    assert device_keyboard.received == [("enter",)]


def test_a_bad_totp_secret_is_a_config_error(
    server: PiKvmServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_PIKVM_TOTP", "not base32 at all!")
    settings = pikvm_settings(server, monkeypatch, totp_secret_env="TEST_PIKVM_TOTP")
    with pytest.raises(ConfigError, match="base32") as raised:
        pikvm.create("keyboard", settings, source="t")
    assert raised.value.key == "totp_secret_env"


# -- URL and TLS ------------------------------------------------------------------------------


def test_http_urls_are_refused_with_the_reason(
    server: PiKvmServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = pikvm_settings(server, monkeypatch, url=server.http_url)
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
    settings = pikvm_settings(server, monkeypatch)
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
        (
            {"tls_fingerprint": "sha256:" + "ab" * 32, "verify_tls": False},
            "tls_fingerprint",
            "alone",
        ),
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
