"""kvmd's ATX GPIO plugin (``kvmd/plugins/atx/gpio.py``) in front of a simulated device's power.

As kvmd does it: each action checks the power LED first (``on`` only when dark, ``off`` /
``off_hard`` / ``reset_hard`` only when lit), then clicks a button inside an exclusive region
(power button and reset button each have one): press, hold ``click_delay`` (0.1 s) or
``long_click_delay`` (5.5 s), release, sleep 1 s. A click while the region is held raises
``AtxBusy`` (HTTP 409). With ``wait`` the caller blocks until the region is released; without
it the click runs on in the background. What the button does to the device is the ATX
convention: a short press switches an off device on and asks a running OS to shut down; a hold
forces the device off after 4 s (about 4 s into kvmd's 5.5 s hold, so the LED goes dark while the
region is still busy).

``time_scale`` divides every duration (tests and the simulated rig run faster than a PC);
``gate``, when given, keeps each click's region held until the test sets it, so a test can
put the peer in the busy state without racing the clock. ``enabled=False`` is kvmd's
``atx/disabled.py``: the state says ``enabled: false`` with a dark LED, every action fails.
"""

from __future__ import annotations

import threading
import time

from harness.targets.protocols import GracefulPower, Power, PowerState

CLICK_S = 0.1
LONG_CLICK_S = 5.5
SETTLE_S = 1.0
FORCE_OFF_AFTER_S = 4.0


class AtxBusy(Exception):
    """kvmd's AtxIsBusyError."""

    message = "Performing another ATX operation, please try again later"


class AtxDisabled(Exception):
    """kvmd's AtxDisabledError (an OperationError: HTTP 400)."""

    message = "ATX is disabled"


class AtxModel:
    def __init__(
        self,
        power: Power,
        *,
        enabled: bool = True,
        time_scale: float = 1.0,
        gate: threading.Event | None = None,
    ) -> None:
        self.power = power
        self.enabled = enabled
        self.time_scale = time_scale
        self.gate = gate
        self.clicks: list[str] = []
        self._region = threading.Lock()  # the power button's exclusive region
        self._busy = threading.Event()
        self._threads: list[threading.Thread] = []

    def state(self) -> dict[str, object]:
        if not self.enabled:
            return {
                "enabled": False,
                "busy": False,
                "acts": {"power": False, "reset": False},
                "leds": {"power": False, "hdd": False},
            }
        busy = self._busy.is_set()
        on = self._led()
        return {
            "enabled": True,
            "busy": busy,
            "acts": {"power": busy, "reset": False},
            "leds": {"power": on, "hdd": on},
        }

    def action(self, action: str, *, wait: bool) -> None:
        if not self.enabled:
            raise AtxDisabled
        on = self._led()
        if (action == "on" and not on) or (action == "off" and on):
            self._click("power", CLICK_S, wait)
        elif action == "off_hard" and on:
            self._click("power_long", LONG_CLICK_S, wait)
        elif action == "reset_hard" and on:
            self._click("reset", CLICK_S, wait)

    def join(self) -> None:
        for thread in list(self._threads):
            thread.join(timeout=30)

    def _led(self) -> bool:
        return self.power.power_state() == PowerState.ON

    def _click(self, name: str, hold_s: float, wait: bool) -> None:
        if not self._region.acquire(blocking=False):
            raise AtxBusy
        self._busy.set()
        if wait:
            self._inner_click(name, hold_s)
            return
        thread = threading.Thread(target=self._inner_click, args=(name, hold_s), daemon=True)
        self._threads.append(thread)
        thread.start()

    def _inner_click(self, name: str, hold_s: float) -> None:
        try:
            self.clicks.append(name)
            was_on = self._led()
            if name == "power_long":
                self._sleep(FORCE_OFF_AFTER_S)
                if was_on:
                    self.power.power_off()
                self._sleep(hold_s - FORCE_OFF_AFTER_S)
            else:
                self._sleep(hold_s)
                self._press_effect(name, was_on)
            self._sleep(SETTLE_S)
            if self.gate is not None:
                self.gate.wait(timeout=30)
        finally:
            self._busy.clear()
            self._region.release()

    def _press_effect(self, name: str, was_on: bool) -> None:
        if name == "reset":
            self.power.power_off()
            self.power.power_on()
        elif not was_on:
            self.power.power_on()
        elif isinstance(self.power, GracefulPower):
            self.power.shutdown()
        else:
            self.power.power_off()

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / self.time_scale)
