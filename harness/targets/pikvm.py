"""PiKVM (kvmd's HTTP API): keys, screen snapshots and ATX power of a device behind a PiKVM.

Written from kvmd's source (``kvmd/apps/kvmd/api/hid.py``, ``api/streamer.py``, ``api/auth.py``,
``server.py``, ``plugins/atx/gpio.py``); tested against ``harness.sim.peers.pikvm_server``, a peer
written from the same source, not from this client. What a real PiKVM does that matters here:

- Keys: ``POST /api/hid/events/send_key?key=MetaLeft&state=true`` then ``state=false``; the hold
  in between is ours. A chord is sent as events too (down in order, hold, up in reverse):
  kvmd's ``send_shortcut`` spaces its events 50 ms apart and has no hold time. Key names are
  JavaScript ``KeyboardEvent.code`` names (``Key.js_code``).
- Screen (``pikvm_screen``): snapshots, with a stream websocket held open so that ustreamer runs.
- Health (``PiKvmKeyboard.probe``): ``GET /api/hid`` says whether the HID and its keyboard are
  online.
- Power (``pikvm_power``): ATX with ``wait=1``, 409 retried, ``enabled: false`` -> unknown.
- Auth and TLS (``pikvm_api``): https:// only; 403 = wrong password; TOTP appended when
  ``totp_secret_env`` is set; ``tls_fingerprint`` pins the stock self-signed certificate.

YAML (the same mapping for ``screen``, ``keyboard`` and ``power``, or once as ``target``)::

    target:
      backend: pikvm
      url: https://pikvm-07.lab
      user: admin
      password_env: PIKVM_PASSWORD       # or password_file: /etc/harness/pikvm-07.pass
      totp_secret_env: PIKVM_TOTP_SECRET  # only with two-factor auth on (kvmd-totp)
      tls_fingerprint: "sha256:AB:CD:..."  # or ca_file: ... (a certificate for the host name)
      timeout_s: 10
      power_timeout_s: 30                # on / off_hard: wait this long for the power LED
      power_poll_s: 0.5
      busy_timeout_s: 20                 # retry 409 (another ATX click running) this long
      stream_start_timeout_s: 10         # wait for ustreamer after the stream client connects
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping, Sequence
from typing import Any

from harness.errors import ConfigError, KeyNotAccepted, RigError
from harness.keys import Key
from harness.targets.http_client import HttpClient
from harness.targets.pikvm_api import api_error, read_settings
from harness.targets.pikvm_power import PiKvmPower
from harness.targets.pikvm_screen import PiKvmScreen
from harness.targets.protocols import DEFAULT_HOLD_S, KeyboardProbe
from harness.targets.rig_settings import check_role
from harness.targets.target import Target

__all__ = ["PiKvmKeyboard", "PiKvmPower", "PiKvmScreen", "create"]


class PiKvmKeyboard:
    def __init__(self, client: HttpClient) -> None:
        self.client = client

    def press(self, key: Key, hold_s: float = DEFAULT_HOLD_S) -> None:
        self.chord([key], hold_s)

    def chord(self, keys: Sequence[Key], hold_s: float = DEFAULT_HOLD_S) -> None:
        held: list[Key] = []
        try:
            for key in keys:
                self._send_key(key, True)
                held.append(key)
            time.sleep(hold_s)
        finally:
            # Release what went down even when a later key failed: never leave keys held.
            problem: KeyNotAccepted | None = None
            while held:
                key = held.pop()
                try:
                    self._send_key(key, False)
                except KeyNotAccepted as error:
                    problem = problem or error
            if problem is not None:
                raise problem

    def probe(self) -> KeyboardProbe:
        """``GET /api/hid``: the HID is online and its keyboard is (kvmd's ``get_state``; with
        the OTG HID, keyboard ``online`` is False while the device has not enumerated it)."""
        try:
            response = self.client.request("GET", "/api/hid")
        except RigError as problem:
            return KeyboardProbe(False, f"PiKVM {self.client.label}: {problem}")
        if response.status != 200:
            return KeyboardProbe(False, f"PiKVM {self.client.label}: {api_error(response)}")
        try:
            state = response.json()["result"]
            online, keyboard_online = bool(state["online"]), bool(state["keyboard"]["online"])
        except (ValueError, KeyError, TypeError):
            return KeyboardProbe(False, f"PiKVM {self.client.label}: unreadable HID state")
        if not online:
            return KeyboardProbe(False, f"PiKVM {self.client.label}: the HID is offline")
        if not keyboard_online:
            return KeyboardProbe(
                False,
                f"PiKVM {self.client.label}: the keyboard is offline (is the PiKVM's USB cable "
                "plugged into the device, and the device powered?)",
            )
        return KeyboardProbe(True, f"PiKVM {self.client.label}: HID and keyboard online")

    def _send_key(self, key: Key, down: bool) -> None:
        state = "true" if down else "false"
        response = self.client.request(
            "POST", "/api/hid/events/send_key", query={"key": key.js_code, "state": state}
        )
        if response.status != 200:
            raise KeyNotAccepted(
                f"PiKVM {self.client.label}: {key.js_code} {state}: {api_error(response)}"
            )


class _PiKvmTarget(Target):
    """A Target whose parts share one HTTP session, closed once."""

    def close(self) -> None:
        super().close()
        with contextlib.suppress(Exception):
            self.keyboard.client.close()  # type: ignore[attr-defined]


def create(role: str, settings: Mapping[str, Any], *, source: str) -> object:
    check_role(role, ("all", "screen", "keyboard", "power"), backend="pikvm", source=source)
    parsed = read_settings(settings, source=source)
    client = parsed.client()
    power = PiKvmPower(
        client,
        timeout_s=parsed.power_timeout_s,
        poll_s=parsed.power_poll_s,
        busy_timeout_s=parsed.busy_timeout_s,
    )
    if role == "screen":
        return PiKvmScreen(client, parsed)
    if role == "keyboard":
        return PiKvmKeyboard(client)
    if role == "power":
        return power
    if role == "all":
        return _PiKvmTarget(
            source,
            screen=PiKvmScreen(client, parsed),
            keyboard=PiKvmKeyboard(client),
            power=power,
        )
    raise ConfigError(f"unknown role {role!r}", source=source)
