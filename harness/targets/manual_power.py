"""Power by a person: the harness asks the operator at the terminal.

For a device with no BMC, no PiKVM ATX board and no switchable plug. ``power_on()`` and
``power_off()`` print "Press the power button of DEVICE, then Enter" and wait for Enter;
``power_state()`` asks "Is DEVICE on? [y/n]" when ``ask_state`` is set, else answers ``unknown``
(the flow then judges power-off from the screen). Only usable in an interactive run: creating it
when stdin is not a terminal (CI, a scheduled run) is a ``ConfigError``, so a nightly run fails
at load time instead of hanging on a prompt nobody sees.

YAML::

    power:
      backend: manual
      device: laptop-07 (blue sticker, rack 3)   # how the operator recognises it
      ask_state: false
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any, TextIO

from harness.errors import ConfigError, PowerControlError
from harness.targets.protocols import PowerState
from harness.targets.rig_settings import SettingsReader, check_role


class ManualPower:
    def __init__(
        self,
        device: str,
        *,
        ask_state: bool = False,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self.device = device
        self.ask_state = ask_state
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout

    @property
    def can_read_state(self) -> bool:
        """Only when the operator is asked (``ask_state``); else the state is always unknown."""
        return self.ask_state

    def power_on(self) -> None:
        self._ask(f"Press the power button of {self.device} to switch it ON, then Enter: ")

    def power_off(self) -> None:
        self._ask(
            f"Hold the power button of {self.device} until it is OFF (about 5 s), then Enter: "
        )

    def power_state(self) -> PowerState:
        if not self.ask_state:
            return PowerState.UNKNOWN
        while True:
            answer = self._ask(f"Is {self.device} on? [y/n]: ").strip().lower()
            if answer in ("y", "yes"):
                return PowerState.ON
            if answer in ("n", "no"):
                return PowerState.OFF

    def _ask(self, prompt: str) -> str:
        self.stdout.write(prompt)
        self.stdout.flush()
        answer = self.stdin.readline()
        if not answer:
            raise PowerControlError(f"manual power: no operator answer for {self.device} (EOF)")
        return answer


def create(
    role: str,
    settings: Mapping[str, Any],
    *,
    source: str,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> ManualPower:
    check_role(role, ("power",), backend="manual", source=source)
    reader = SettingsReader(settings, source=source)
    power = ManualPower(
        reader.text("device"),
        ask_state=reader.flag("ask_state", False),
        stdin=stdin,
        stdout=stdout,
    )
    reader.finish()
    if not power.stdin.isatty():
        raise ConfigError(
            "manual power needs an operator at a terminal, but stdin is not a terminal "
            "(a non-interactive run): use a power backend the harness can drive",
            source=source,
            key="backend",
        )
    return power
