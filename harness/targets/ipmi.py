"""Power through IPMI 2.0 (``lanplus``) with ``ipmitool``, run as an argv list.

``ipmitool -I lanplus -H HOST -p PORT -U USER -E -N TIMEOUT -R RETRIES chassis power ACTION``;
``-E`` makes ipmitool read the password from the child's environment, so it never appears in
the process list, in logs or in error messages. ipmitool reads ``IPMITOOL_PASSWORD`` first and
``IPMI_PASSWORD`` only when that is unset (``lib/ipmi_main.c``): a stray ``IPMITOOL_PASSWORD`` in
the harness's environment would silently replace the configured password. So the child gets
a clean environment of its own - ``PATH``, ``LC_ALL=C`` (the status line is parsed) and
``IPMI_PASSWORD`` - and nothing else from ours. ``-N``/``-R`` are always
set: without them a missing BMC takes a long time to fail.

``power_cycle()`` is ``off`` + ``on``: some BMCs (virtualbmc among them) do not implement
``chassis power cycle``. ``shutdown()`` is ``soft`` (ACPI power button), best effort.

YAML::

    power:
      backend: ipmi
      host: bmc-07.lab
      port: 623
      user: admin
      password_env: BMC_PASSWORD       # or password_file: /etc/harness/bmc-07.pass
      cipher_suite: 3                  # optional (-C); virtualbmc speaks only 3
      ipmi_timeout_s: 2                # ipmitool -N (seconds per try)
      ipmi_retries: 2                  # ipmitool -R
      power_timeout_s: 60              # wait for chassis status to match after on/off
      poll_s: 1
      ipmitool: ipmitool               # the program (a path if not on PATH)
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import time
from collections.abc import Mapping
from typing import Any

from harness.errors import ConfigError, PowerControlError
from harness.targets.protocols import PowerState
from harness.targets.rig_settings import Secret, SettingsReader, check_role

_log = logging.getLogger(__name__)

_STATUS = re.compile(r"Chassis Power is (on|off)", re.IGNORECASE)


def child_environment(password: Secret) -> dict[str, str]:
    """ipmitool's whole environment: nothing inherited that could override the password."""
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "LC_ALL": "C",
        "IPMI_PASSWORD": password.reveal(),
    }


class IpmiPower:
    """``GracefulPower`` through ipmitool."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        user: str,
        password: Secret,
        cipher_suite: int | None = None,
        ipmi_timeout_s: int = 2,
        ipmi_retries: int = 2,
        power_timeout_s: float = 60.0,
        poll_s: float = 1.0,
        ipmitool: str = "ipmitool",
    ) -> None:
        self.host = host
        self.port = port
        self.user = user
        self._password = password
        self.cipher_suite = cipher_suite
        self.ipmi_timeout_s = ipmi_timeout_s
        self.ipmi_retries = ipmi_retries
        self.power_timeout_s = power_timeout_s
        self.poll_s = poll_s
        self.ipmitool = ipmitool
        self.label = f"IPMI {host}:{port}"

    def argv(self, *command: str) -> list[str]:
        """The ipmitool argv for ``command``; the password is not in it (``-E``)."""
        argv = [self.ipmitool, "-I", "lanplus", "-H", self.host, "-p", str(self.port)]
        argv += ["-U", self.user, "-E"]
        if self.cipher_suite is not None:
            argv += ["-C", str(self.cipher_suite)]
        argv += ["-N", str(self.ipmi_timeout_s), "-R", str(self.ipmi_retries), *command]
        return argv

    def run(self, *command: str) -> str:
        argv = self.argv(*command)
        env = child_environment(self._password)
        # ipmitool tries (retries + 1) times, each up to -N seconds, plus session set-up.
        limit = (self.ipmi_retries + 1) * self.ipmi_timeout_s * 4 + 10
        try:
            done = subprocess.run(
                argv, env=env, capture_output=True, text=True, timeout=limit, check=False
            )
        except FileNotFoundError:
            raise PowerControlError(f"{self.label}: {self.ipmitool} not found") from None
        except subprocess.TimeoutExpired:
            raise PowerControlError(
                f"{self.label}: {' '.join(command)}: no answer within {limit:g} s"
            ) from None
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise PowerControlError(
                f"{self.label}: ipmitool {' '.join(command)} failed (exit {done.returncode}): "
                f"{detail[-1] if detail else 'no output'}"
            )
        return done.stdout

    # -- Power --------------------------------------------------------------------------------

    def power_state(self) -> PowerState:
        output = self.run("chassis", "power", "status")
        match = _STATUS.search(output)
        if match is None:
            raise PowerControlError(f"{self.label}: unexpected status answer: {output.strip()!r}")
        return PowerState.ON if match.group(1).lower() == "on" else PowerState.OFF

    def power_on(self) -> None:
        self._switch("on", PowerState.ON)

    def power_off(self) -> None:
        self._switch("off", PowerState.OFF)

    def power_cycle(self) -> None:
        self.power_off()
        self.power_on()

    def shutdown(self) -> None:
        self.run("chassis", "power", "soft")

    def _switch(self, action: str, wanted: PowerState) -> None:
        if self.power_state() == wanted:
            return
        command_error = ""
        try:
            self.run("chassis", "power", action)
        except PowerControlError as problem:
            # A BMC that takes longer than -N to switch (a VM starting, a slow BMC) answers
            # late and ipmitool reports a failure although the switch happened: the state decides.
            command_error = f" (the command itself reported: {problem})"
            _log.warning("%s; checking the chassis status", problem)
        deadline = time.monotonic() + self.power_timeout_s
        while (state := self.power_state()) != wanted:
            if time.monotonic() > deadline:
                raise PowerControlError(
                    f"{self.label}: chassis power {action}: still {state.value} after "
                    f"{self.power_timeout_s:g} s{command_error}"
                )
            time.sleep(self.poll_s)


def create(role: str, settings: Mapping[str, Any], *, source: str) -> IpmiPower:
    check_role(role, ("power",), backend="ipmi", source=source)
    reader = SettingsReader(settings, source=source)
    ipmitool = reader.text("ipmitool", "ipmitool")
    power = IpmiPower(
        host=reader.text("host"),
        port=reader.integer("port", 623, minimum=1),
        user=reader.text("user"),
        password=reader.secret("password"),  # type: ignore[arg-type]
        cipher_suite=reader.integer("cipher_suite", None, minimum=0),
        ipmi_timeout_s=reader.integer("ipmi_timeout_s", 2, minimum=1),
        ipmi_retries=reader.integer("ipmi_retries", 2, minimum=0),
        power_timeout_s=reader.number("power_timeout_s", 60.0, minimum=0.1),
        poll_s=reader.number("poll_s", 1.0, minimum=0.01),
        ipmitool=ipmitool,
    )
    reader.finish()
    if shutil.which(ipmitool) is None:
        raise ConfigError(
            f"{ipmitool} not found (Debian package: ipmitool)", source=source, key="ipmitool"
        )
    return power
