"""Power through a PDU's or relay's own command-line tool: argv templates for on, off and state.

Each action is an argv list; ``{name}`` placeholders are filled from ``variables`` per argv
element (``str.format`` on each element, never a shell: a value with spaces or quotes stays one
argument). All placeholders are checked when the configuration is loaded. ``state`` runs the
state command and matches its stdout against ``state_on`` / ``state_off`` (regular expressions,
searched; ``state_on`` wins when both match). A non-zero exit is a ``PowerControlError`` with
the tool's last output line. Passwords: the tool inherits the harness's environment, so it reads
its own variable (e.g. ``PDU_PASSWORD``); never put a password in an argv.

YAML::

    power:
      backend: command
      variables: {pdu: pdu-3.lab, outlet: "7"}
      on: [pdu-ctl, --host, "{pdu}", --outlet, "{outlet}", "on"]
      off: [pdu-ctl, --host, "{pdu}", --outlet, "{outlet}", "off"]
      state: [pdu-ctl, --host, "{pdu}", --outlet, "{outlet}", status]
      state_on: "(?i)outlet \\d+ is on"
      state_off: "(?i)outlet \\d+ is off"
      timeout_s: 30             # per command
      settle_s: 0               # wait after on/off before the state is trusted
"""

from __future__ import annotations

import re
import string
import subprocess
import time
from collections.abc import Mapping, Sequence
from typing import Any

from harness.errors import PowerControlError
from harness.targets.protocols import PowerState
from harness.targets.rig_settings import SettingsReader, check_role


class CommandPower:
    def __init__(
        self,
        *,
        on: Sequence[str],
        off: Sequence[str],
        state: Sequence[str] | None,
        state_on: re.Pattern[str] | None,
        state_off: re.Pattern[str] | None,
        timeout_s: float = 30.0,
        settle_s: float = 0.0,
    ) -> None:
        self.on_argv = list(on)
        self.off_argv = list(off)
        self.state_argv = list(state) if state else None
        self.state_on = state_on
        self.state_off = state_off
        self.timeout_s = timeout_s
        self.settle_s = settle_s

    @property
    def can_read_state(self) -> bool:
        """Only with a state command; else the state is always unknown."""
        return self.state_argv is not None

    def power_on(self) -> None:
        self._run(self.on_argv, "on")
        time.sleep(self.settle_s)

    def power_off(self) -> None:
        self._run(self.off_argv, "off")
        time.sleep(self.settle_s)

    def power_state(self) -> PowerState:
        if self.state_argv is None:
            return PowerState.UNKNOWN
        output = self._run(self.state_argv, "state")
        if self.state_on is not None and self.state_on.search(output):
            return PowerState.ON
        if self.state_off is not None and self.state_off.search(output):
            return PowerState.OFF
        return PowerState.UNKNOWN

    def _run(self, argv: list[str], action: str) -> str:
        try:
            done = subprocess.run(
                argv, capture_output=True, text=True, timeout=self.timeout_s, check=False
            )
        except FileNotFoundError:
            raise PowerControlError(f"power {action}: {argv[0]} not found") from None
        except subprocess.TimeoutExpired:
            raise PowerControlError(
                f"power {action}: {argv[0]} did not finish within {self.timeout_s:g} s"
            ) from None
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines()
            raise PowerControlError(
                f"power {action}: {argv[0]} exited with {done.returncode}: "
                f"{lines[-1] if lines else 'no output'}"
            )
        return done.stdout


def _fill(
    template: list[str], variables: Mapping[str, str], reader: SettingsReader, key: str
) -> list[str]:
    filled = []
    for element in template:
        names = [name for _, name, _, _ in string.Formatter().parse(element) if name is not None]
        missing = [name for name in names if name not in variables]
        if missing:
            known = ", ".join(variables) or "none"
            raise reader.error(key, f"placeholder {{{missing[0]}}} is not in variables ({known})")
        try:
            filled.append(element.format_map(variables))
        except (ValueError, IndexError) as problem:
            raise reader.error(key, f"bad placeholder in {element!r}: {problem}") from None
    return filled


def _pattern(reader: SettingsReader, key: str) -> re.Pattern[str] | None:
    text = reader.text(key, None)
    if text is None:
        return None
    try:
        return re.compile(text)
    except re.error as problem:
        raise reader.error(key, f"not a valid regular expression: {problem}") from None


def create(role: str, settings: Mapping[str, Any], *, source: str) -> CommandPower:
    check_role(role, ("power",), backend="command", source=source)
    reader = SettingsReader(settings, source=source)
    variables = reader.text_map("variables", {})
    on = _fill(reader.text_list("on"), variables, reader, "on")
    off = _fill(reader.text_list("off"), variables, reader, "off")
    state_template = reader.text_list("state", None)
    state = _fill(state_template, variables, reader, "state") if state_template else None
    state_on = _pattern(reader, "state_on")
    state_off = _pattern(reader, "state_off")
    if state is not None and state_on is None and state_off is None:
        raise reader.error("state_on", "a state command needs state_on and/or state_off patterns")
    if state is None and (state_on or state_off):
        raise reader.error("state", "state_on/state_off need a state command")
    power = CommandPower(
        on=on,
        off=off,
        state=state,
        state_on=state_on,
        state_off=state_off,
        timeout_s=reader.number("timeout_s", 30.0, minimum=0.1),
        settle_s=reader.number("settle_s", 0.0),
    )
    reader.finish()
    return power
