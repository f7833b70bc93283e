"""ATX power through PiKVM's ATX board, as kvmd's ``plugins/atx/gpio.py`` drives it.

- ``GET /api/atx`` -> ``{"enabled", "busy", "leds": {"power", "hdd"}}``. ``enabled: false``
  (``kvmd: atx: type: disabled``, or a PiKVM without the ATX board) answers ``leds.power:
  false`` whatever the device does, so the state is then ``unknown``, never ``off``, and an
  action is refused with a message: such a device needs another power backend.
- ``POST /api/atx/power?action=on|off|off_hard|reset_hard&wait=1``: kvmd clicks the power button
  (``click_delay`` 0.1 s, ``long_click_delay`` 5.5 s for ``off_hard``) and then sleeps 1 s, all
  inside an exclusive region. Without ``wait`` it answers at once and the click goes on; a
  second action in that window is **409** (``AtxIsBusyError``). The LED goes dark about 4 s
  into the 5.5 s hold, so an off-then-on that follows the LED hits the 409. ``wait=1`` makes
  the answer come after the region is released, and a 409 (a click by someone else, the web
  UI) is retried every ``power_poll_s`` for up to ``busy_timeout_s``.
- ``on`` / ``off`` / ``off_hard`` do nothing when the LED already shows the wanted state.
"""

from __future__ import annotations

import logging
import time

from harness.errors import PowerControlError
from harness.targets.http_client import HttpClient
from harness.targets.pikvm_api import api_error
from harness.targets.protocols import PowerState

_log = logging.getLogger(__name__)

LONG_CLICK_S = 5.5 + 1.0
"""kvmd's longest click (off_hard) plus its settle second: the wait=1 answer comes after it."""

DISABLED_HINT = (
    "ATX is disabled on this PiKVM (kvmd: atx: type: disabled, or no ATX board): its power LED "
    "says nothing about the device; configure another power backend for this device"
)


class PiKvmPower:
    """``GracefulPower`` through kvmd's ATX API; the power LED is the state."""

    def __init__(
        self,
        client: HttpClient,
        *,
        timeout_s: float,
        poll_s: float,
        busy_timeout_s: float = 20.0,
    ) -> None:
        self.client = client
        self.timeout_s = timeout_s
        self.poll_s = poll_s
        self.busy_timeout_s = busy_timeout_s
        self.busy_retries = 0
        """409 answers retried so far (another ATX click was running)."""
        self._warned_disabled = False

    def atx_state(self) -> dict[str, object]:
        response = self.client.request("GET", "/api/atx")
        if response.status != 200:
            raise PowerControlError(f"PiKVM {self.client.label}: ATX state: {api_error(response)}")
        try:
            result = response.json()["result"]
            result["leds"]["power"]
        except (ValueError, KeyError, TypeError) as problem:
            raise PowerControlError(
                f"PiKVM {self.client.label}: unexpected /api/atx answer: {problem!r}"
            ) from None
        return dict(result)

    def power_state(self) -> PowerState:
        state = self.atx_state()
        if state.get("enabled") is False:
            if not self._warned_disabled:
                _log.warning("PiKVM %s: %s", self.client.label, DISABLED_HINT)
                self._warned_disabled = True
            return PowerState.UNKNOWN
        leds = state["leds"]
        assert isinstance(leds, dict)
        return PowerState.ON if leds.get("power") else PowerState.OFF

    def power_on(self) -> None:
        self._action("on", PowerState.ON)

    def power_off(self) -> None:
        self._action("off_hard", PowerState.OFF)

    def shutdown(self) -> None:
        """A short press of the power button; the OS decides (no wait for the LED)."""
        self._action("off", None)

    def _action(self, action: str, expected: PowerState | None) -> None:
        if self.atx_state().get("enabled") is False:
            raise PowerControlError(
                f"PiKVM {self.client.label}: ATX power {action}: {DISABLED_HINT}"
            )
        busy_deadline = time.monotonic() + self.busy_timeout_s
        while True:
            response = self.client.request(
                "POST",
                "/api/atx/power",
                query={"action": action, "wait": "1"},
                timeout_s=self.client.timeout_s + LONG_CLICK_S,
            )
            if response.status != 409:
                break
            if time.monotonic() >= busy_deadline:
                raise PowerControlError(
                    f"PiKVM {self.client.label}: ATX power {action}: still busy with another ATX "
                    f"operation after {self.busy_timeout_s:g} s ({api_error(response)})"
                )
            self.busy_retries += 1
            _log.info("PiKVM %s: ATX busy (409), retrying %s", self.client.label, action)
            time.sleep(self.poll_s)
        if response.status != 200:
            hint = f": {DISABLED_HINT}" if b"ATX is disabled" in response.body else ""
            raise PowerControlError(
                f"PiKVM {self.client.label}: ATX power {action}: {api_error(response)}{hint}"
            )
        if expected is not None:
            self._wait_for(expected, action)

    def _wait_for(self, expected: PowerState, action: str) -> None:
        deadline = time.monotonic() + self.timeout_s
        while (state := self.power_state()) != expected:
            if time.monotonic() > deadline:
                raise PowerControlError(
                    f"PiKVM {self.client.label}: ATX power {action}: power LED still "
                    f"{state.value} after {self.timeout_s:g} s"
                )
            time.sleep(self.poll_s)
