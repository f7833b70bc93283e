"""Keyboard of a Hyper-V VM through its ``Msvm_Keyboard``, with Win32 virtual-key codes.

A key is ``TypeKey(vk)``; a chord is ``PressKey`` for each held key, ``TypeKey`` for the last one
and ``ReleaseKey`` in reverse, in one PowerShell round trip. Hyper-V loses keys that come too
fast and may swallow a key right after a modifier release, all while reporting success, so two
key calls are always at least ``key_interval_s`` apart (and the flow confirms every step on the
screen). Multi-character ``TypeScancodes`` is never used: it reports success and delivers nothing.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence

from harness.errors import ConnectionLost, KeyNotAccepted, UsageError
from harness.keys import Key
from harness.targets.hyperv_powershell import PowerShellError, PowerShellRunner
from harness.targets.hyperv_scripts import KEYBOARD
from harness.targets.protocols import DEFAULT_HOLD_S

_log = logging.getLogger(__name__)

RETURN_OK = 0
RETURN_JOB_STARTED = 4096
ACCEPTED = frozenset({RETURN_OK, RETURN_JOB_STARTED})
RETURN_MESSAGES = {
    0: "completed",
    4096: "job started",
    32768: "failed",
    32769: "access denied: run the harness elevated (an administrator or a member of "
    "'Hyper-V Administrators' on the Hyper-V host)",
    32770: "not supported",
    32773: "invalid parameter",
    32775: "invalid state: is the VM running?",
}


def describe_return(code: int) -> str:
    """The meaning of a Msvm method's return value (``32769`` -> access denied ...)."""
    return RETURN_MESSAGES.get(code, f"unexpected return value {code}")


class HyperVKeyboard:
    """Implements ``Keyboard`` for one Hyper-V VM."""

    def __init__(
        self,
        runner: PowerShellRunner,
        vm_name: str,
        *,
        key_interval_s: float = 0.15,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.runner = runner
        self.vm_name = vm_name
        self.key_interval_s = key_interval_s
        self._clock = clock
        self._sleep = sleep
        self._last_call_end: float | None = None

    def press(self, key: Key, hold_s: float = DEFAULT_HOLD_S) -> None:
        """``TypeKey``: Hyper-V presses and releases the key itself (``hold_s`` is not used)."""
        self._send((), key, hold_s)

    def chord(self, keys: Sequence[Key], hold_s: float = DEFAULT_HOLD_S) -> None:
        """``PressKey`` all but the last, ``TypeKey`` the last, ``ReleaseKey`` in reverse;
        ``hold_s`` is the pause between two steps."""
        if not keys:
            raise UsageError("a chord needs at least one key")
        if len(set(keys)) != len(keys):
            raise UsageError(f"a chord names a key twice: {[k.name for k in keys]}")
        self._send(tuple(keys[:-1]), keys[-1], hold_s)

    def close(self) -> None:
        self.runner.close()

    def _send(self, held: tuple[Key, ...], last: Key, hold_s: float) -> None:
        self._keep_interval()
        names = "+".join(k.name for k in (*held, last))
        parameters = {
            "VMName": self.vm_name,
            "Held": [k.win32_vk for k in held],
            "KeyCode": last.win32_vk,
            "StepMs": max(1, round(hold_s * 1000)),
        }
        try:
            output = self.runner.run(KEYBOARD, parameters)
        except PowerShellError as problem:
            raise KeyNotAccepted(
                f"Hyper-V VM {self.vm_name!r} did not take {names}: {problem.stderr or problem}"
            ) from None
        finally:
            self._last_call_end = self._clock()
        self._check_steps(output, names, expected=2 * len(held) + 1)
        _log.debug("Hyper-V %s: %s", self.vm_name, names)

    def _keep_interval(self) -> None:
        if self._last_call_end is None:
            return
        wait = self._last_call_end + self.key_interval_s - self._clock()
        if wait > 0:
            self._sleep(wait)

    def _check_steps(self, output: str, names: str, *, expected: int) -> None:
        try:
            steps = json.loads(output)
            results = [(str(s["Method"]), int(s["KeyCode"]), int(s["ReturnValue"])) for s in steps]
        except (ValueError, TypeError, KeyError) as problem:
            raise ConnectionLost(
                f"Hyper-V keyboard of {self.vm_name!r} answered something unreadable "
                f"({problem}): {output[:200]!r}"
            ) from None
        for method, code, returned in results:
            if returned not in ACCEPTED:
                raise KeyNotAccepted(
                    f"Hyper-V VM {self.vm_name!r} refused {names}: Msvm_Keyboard.{method}"
                    f"(0x{code:02X}) returned {returned} ({describe_return(returned)})"
                )
        if len(results) != expected:
            raise KeyNotAccepted(
                f"Hyper-V VM {self.vm_name!r}: {names} ran {len(results)} keyboard steps, "
                f"expected {expected}"
            )
