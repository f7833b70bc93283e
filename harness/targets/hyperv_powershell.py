"""Running PowerShell for the Hyper-V backend: the runner interface and the local transport.

A ``PowerShellRunner`` runs one script whose first statement is a ``param(...)`` block, binding
``parameters`` to it, and returns the standard output (JSON where the script emits structure).
Values never become code: the remote transport binds them as real PowerShell parameters
(pypsrp), the local one as single-quoted literals made by ``ps_literal``.

The local transport runs ``powershell.exe`` (Windows PowerShell 5.1) or ``pwsh`` on the Hyper-V
host itself, as an argv list with ``-EncodedCommand`` (base64 of UTF-16LE), so no shell and no
command-line quoting are involved. The harness must run elevated (a member of "Hyper-V
Administrators" or an administrator), or Msvm_Keyboard answers 32769 "access denied".
"""

from __future__ import annotations

import base64
import logging
import re
import subprocess
from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from harness.errors import ConnectionLost, RigError, UsageError

_log = logging.getLogger(__name__)

ParameterValue = str | int | bool | Sequence[int]

# PowerShell treats the typographic single quotes as quote characters too: double all of them.
_SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
_PARAMETER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")


class PowerShellError(RigError):
    """A script ran and failed (a terminating error, or a non-zero exit). Carries stderr."""

    def __init__(self, message: str, *, stderr: str = "") -> None:
        self.stderr = stderr
        super().__init__(message)


@runtime_checkable
class PowerShellRunner(Protocol):
    def run(self, script: str, parameters: Mapping[str, ParameterValue]) -> str:
        """Run ``script`` with ``parameters`` bound; return stdout. Raises ``PowerShellError``
        when the script fails and ``ConnectionLost`` when PowerShell cannot be reached."""
        ...

    def close(self) -> None: ...


def ps_literal(value: ParameterValue) -> str:
    """A PowerShell literal for ``value``: ``'it''s'``, ``42``, ``$true``, ``@(17, 16)``."""
    if isinstance(value, bool):
        return "$true" if value else "$false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return "'" + "".join(c * 2 if c in _SINGLE_QUOTES else c for c in value) + "'"
    if isinstance(value, Sequence) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        return "@(" + ", ".join(str(v) for v in value) + ")"
    raise UsageError(f"cannot pass {value!r} to PowerShell")


def render_invocation(script: str, parameters: Mapping[str, ParameterValue]) -> str:
    """The script as a script block invoked with literal arguments: ``& { ... } -VMName 'x'``."""
    arguments = []
    for name, value in parameters.items():
        if not _PARAMETER_NAME.fullmatch(name):
            raise UsageError(f"bad PowerShell parameter name {name!r}")
        arguments.append(f"-{name} {ps_literal(value)}")
    return "& {\n" + script.rstrip() + "\n} " + " ".join(arguments)


def local_argv(executable: str, script: str, parameters: Mapping[str, ParameterValue]) -> list[str]:
    """The argv that runs ``script`` in a fresh, profile-less, non-interactive PowerShell."""
    text = (
        # Output as UTF-8, whatever the console code page (VM names are not always ASCII).
        "[Console]::OutputEncoding = [System.Text.Encoding]::UTF8\n"
        "$ProgressPreference = 'SilentlyContinue'\n" + render_invocation(script, parameters)
    )
    encoded = base64.b64encode(text.encode("utf-16-le")).decode("ascii")
    return [
        executable,
        "-NoProfile",
        "-NonInteractive",
        "-ExecutionPolicy",
        "Bypass",
        "-OutputFormat",
        "Text",
        "-EncodedCommand",
        encoded,
    ]


def clean_stderr(stderr: str) -> str:
    """Plain text from PowerShell's stderr, which may be CLIXML (``#< CLIXML``)."""
    if not stderr.lstrip().startswith("#< CLIXML"):
        return stderr.strip()
    parts = re.findall(r'<S S="Error">(.*?)</S>', stderr, flags=re.DOTALL)
    text = "".join(parts).replace("_x000D__x000A_", "\n")
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'")):
        text = text.replace(entity, char)
    return text.replace("&amp;", "&").strip()


class LocalPowerShell:
    """Runs each script in a new ``powershell.exe`` / ``pwsh`` process on this (Hyper-V) host."""

    def __init__(self, executable: str = "powershell.exe", *, timeout_s: float = 60.0) -> None:
        self.executable = executable
        self.timeout_s = timeout_s

    def run(self, script: str, parameters: Mapping[str, ParameterValue]) -> str:
        argv = local_argv(self.executable, script, parameters)
        try:
            completed = subprocess.run(
                argv, capture_output=True, timeout=self.timeout_s, check=False
            )
        except FileNotFoundError:
            raise ConnectionLost(
                f"{self.executable} not found: the local transport runs on the Hyper-V host "
                "itself (use transport: winrm to reach a remote host)"
            ) from None
        except subprocess.TimeoutExpired:
            raise ConnectionLost(
                f"{self.executable} did not finish within {self.timeout_s:.0f} s"
            ) from None
        stdout = completed.stdout.decode("utf-8", errors="replace")
        stderr = clean_stderr(completed.stderr.decode("utf-8", errors="replace"))
        if completed.returncode != 0:
            raise PowerShellError(
                f"PowerShell failed (exit {completed.returncode}): {stderr or 'no error text'}",
                stderr=stderr,
            )
        if stderr:
            _log.warning("PowerShell wrote to stderr: %s", stderr)
        return stdout

    def close(self) -> None:
        """Nothing to close: every script runs in its own process."""
