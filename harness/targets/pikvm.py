"""PiKVM (kvmd HTTP API): keys, screen snapshots and ATX power of a device behind a PiKVM.

- Keys: ``POST /api/hid/events/send_key?key=MetaLeft&state=true`` then ``state=false`` (the hold
  in between is the caller's); chords: ``POST /api/hid/events/send_shortcut?keys=ControlLeft,
  ShiftLeft,KeyD`` (kvmd presses them in order and releases them in reverse). Key names are
  JavaScript ``KeyboardEvent.code`` names (``Key.js_code``).
- Screen: ``GET /api/streamer/snapshot`` (a JPEG; 503 means no signal -> ``NoFrame``).
- Power: ``GET /api/atx`` (the power LED is the state), ``POST /api/atx/power?action=on|off|
  off_hard|reset_hard``; ``off`` is a short press of the power button (graceful), ``off_hard`` a
  long one.
- Auth: ``X-KVMD-User`` / ``X-KVMD-Passwd`` headers on every request. PiKVM serves HTTPS with a
  self-signed certificate by default: give its CA in ``ca_file`` or set ``verify_tls: false``
  (logged as a warning).

Verified against a loopback server speaking the documented API (``harness.sim.peers.pikvm_server``),
not against PiKVM hardware.

YAML (the same mapping for ``screen``, ``keyboard`` and ``power``, or once as ``target``)::

    keyboard:
      backend: pikvm
      url: https://pikvm-07.lab
      user: admin
      password_env: PIKVM_PASSWORD     # or password_file: /etc/harness/pikvm-07.pass
      ca_file: /etc/harness/pikvm-07-ca.pem   # or verify_tls: false
      timeout_s: 10
      power_timeout_s: 30              # on / off_hard: wait this long for the power LED
      power_poll_s: 0.5                # power LED polling interval while waiting
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import cv2
import numpy as np

from harness.errors import ConfigError, KeyNotAccepted, NoFrame, PowerControlError
from harness.keys import Key
from harness.targets.frame import Frame
from harness.targets.http_client import HttpClient, HttpResponse
from harness.targets.protocols import DEFAULT_HOLD_S, PowerState
from harness.targets.rig_settings import SettingsReader, check_role
from harness.targets.target import Target


def _api_error(response: HttpResponse) -> str:
    """kvmd answers ``{"ok": false, "result": {"error": ..., "error_msg": ...}}`` on errors."""
    try:
        result = (response.json() or {}).get("result", {})
        detail = result.get("error_msg") or result.get("error") or ""
    except (ValueError, AttributeError):
        detail = response.body[:200].decode("utf-8", "replace")
    if response.status in (401, 403):
        detail = f"authentication refused (check user and password) {detail}".strip()
    return f"HTTP {response.status} {detail}".strip()


class PiKvmKeyboard:
    def __init__(self, client: HttpClient) -> None:
        self.client = client

    def press(self, key: Key, hold_s: float = DEFAULT_HOLD_S) -> None:
        self._send_key(key, True)
        time.sleep(hold_s)
        self._send_key(key, False)

    def chord(self, keys: Sequence[Key], hold_s: float = DEFAULT_HOLD_S) -> None:
        if len(keys) == 1:
            self.press(keys[0], hold_s)
            return
        names = ",".join(key.js_code for key in keys)
        self._post("/api/hid/events/send_shortcut", {"keys": names}, what=names)

    def _send_key(self, key: Key, down: bool) -> None:
        query = {"key": key.js_code, "state": "true" if down else "false"}
        self._post("/api/hid/events/send_key", query, what=f"{key.js_code} {query['state']}")

    def _post(self, path: str, query: dict[str, str], *, what: str) -> None:
        response = self.client.request("POST", path, query=query)
        if response.status != 200:
            raise KeyNotAccepted(f"PiKVM {self.client.base_url}: {what}: {_api_error(response)}")


class PiKvmScreen:
    def __init__(self, client: HttpClient) -> None:
        self.client = client
        self.label = f"pikvm:{client.base_url}"

    def grab(self) -> Frame:
        response = self.client.request("GET", "/api/streamer/snapshot")
        if response.status == 503:
            raise NoFrame(f"{self.label}: no signal (the streamer has no picture, HTTP 503)")
        if response.status != 200:
            raise NoFrame(f"{self.label}: snapshot failed: {_api_error(response)}")
        image = cv2.imdecode(np.frombuffer(response.body, np.uint8), cv2.IMREAD_COLOR)
        if image is None:
            raise NoFrame(f"{self.label}: snapshot is not a decodable JPEG")
        return Frame(image=image, timestamp=time.monotonic(), source=self.label)


class PiKvmPower:
    """ATX power through PiKVM's ATX board; the power LED is the state."""

    def __init__(self, client: HttpClient, *, timeout_s: float, poll_s: float) -> None:
        self.client = client
        self.timeout_s = timeout_s
        self.poll_s = poll_s

    def power_state(self) -> PowerState:
        response = self.client.request("GET", "/api/atx")
        if response.status != 200:
            raise PowerControlError(
                f"PiKVM {self.client.base_url}: ATX state: {_api_error(response)}"
            )
        try:
            power_led = response.json()["result"]["leds"]["power"]
        except (ValueError, KeyError, TypeError) as problem:
            raise PowerControlError(
                f"PiKVM {self.client.base_url}: unexpected /api/atx answer: {problem!r}"
            ) from None
        return PowerState.ON if power_led else PowerState.OFF

    def power_on(self) -> None:
        self._action("on", PowerState.ON)

    def power_off(self) -> None:
        self._action("off_hard", PowerState.OFF)

    def shutdown(self) -> None:
        """A short press of the power button; the OS decides (no wait: best effort)."""
        self._action("off", None)

    def _action(self, action: str, expected: PowerState | None) -> None:
        response = self.client.request("POST", "/api/atx/power", query={"action": action})
        if response.status != 200:
            raise PowerControlError(
                f"PiKVM {self.client.base_url}: ATX power {action}: {_api_error(response)}"
            )
        if expected is None:
            return
        deadline = time.monotonic() + self.timeout_s
        while (state := self.power_state()) != expected:
            if time.monotonic() > deadline:
                raise PowerControlError(
                    f"PiKVM {self.client.base_url}: ATX power {action}: power LED still "
                    f"{state.value} after {self.timeout_s:g} s"
                )
            time.sleep(self.poll_s)


def create(role: str, settings: Mapping[str, Any], *, source: str) -> object:
    check_role(role, ("all", "screen", "keyboard", "power"), backend="pikvm", source=source)
    reader = SettingsReader(settings, source=source)
    url = reader.text("url")
    if not url.startswith(("http://", "https://")):
        raise reader.error("url", f"expected an http:// or https:// URL, got {url!r}")
    user = reader.text("user", "admin")
    password = reader.secret("password")
    tls = reader.tls_context(url)
    timeout_s = reader.number("timeout_s", 10.0, minimum=0.1)
    poll_s = reader.number("power_poll_s", 0.5, minimum=0.01)
    power_timeout_s = reader.number("power_timeout_s", 30.0, minimum=0.1)
    reader.finish()
    assert password is not None
    client = HttpClient(
        url,
        headers={"X-KVMD-User": user, "X-KVMD-Passwd": password.reveal()},
        tls=tls,
        timeout_s=timeout_s,
    )
    if role == "screen":
        return PiKvmScreen(client)
    if role == "keyboard":
        return PiKvmKeyboard(client)
    power = PiKvmPower(client, timeout_s=power_timeout_s, poll_s=poll_s)
    if role == "power":
        return power
    if role == "all":
        return Target(
            source, screen=PiKvmScreen(client), keyboard=PiKvmKeyboard(client), power=power
        )
    raise ConfigError(f"unknown role {role!r}", source=source)
