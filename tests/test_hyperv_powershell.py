"""The PowerShell runner: literals, the local argv, and the local transport's process handling.

There is no PowerShell here: the local transport is exercised against a stand-in executable (a
Python script) that decodes ``-EncodedCommand`` exactly as powershell.exe would receive it and
answers like PowerShell does (stdout, exit code, plain or CLIXML stderr).
"""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import pytest

from harness.errors import ConnectionLost, UsageError
from harness.targets.hyperv_powershell import (
    LocalPowerShell,
    PowerShellError,
    PowerShellRunner,
    clean_stderr,
    local_argv,
    ps_literal,
    render_invocation,
)

NASTY_NAME = 'lab\'s \u2019VM\u2019 "x" $(Remove-VM *); `n'


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("autopilot-01", "'autopilot-01'"),
        ("it's", "'it''s'"),
        ("\u2018curly\u2019", "'\u2018\u2018curly\u2019\u2019'"),
        ("$(Stop-Computer)", "'$(Stop-Computer)'"),  # single quotes: no expansion
        (42, "42"),
        (True, "$true"),
        (False, "$false"),
        ([17, 16], "@(17, 16)"),
        ([], "@()"),
    ],
)
def test_ps_literal(value: object, literal: str) -> None:
    assert ps_literal(value) == literal  # type: ignore[arg-type]


def test_ps_literal_refuses_other_types() -> None:
    with pytest.raises(UsageError):
        ps_literal(1.5)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        ps_literal(["a"])  # type: ignore[list-item]


def test_render_invocation_passes_values_as_literal_arguments() -> None:
    script = "param([string]$VMName, [int]$StepMs)\n$VMName"
    text = render_invocation(script, {"VMName": NASTY_NAME, "StepMs": 100})
    assert text == (
        "& {\nparam([string]$VMName, [int]$StepMs)\n$VMName\n} "
        "-VMName 'lab''s \u2019\u2019VM\u2019\u2019 \"x\" $(Remove-VM *); `n' -StepMs 100"
    )


def test_render_invocation_refuses_bad_parameter_names() -> None:
    with pytest.raises(UsageError, match="bad PowerShell parameter name"):
        render_invocation("param($a)", {"a; rm": "x"})


def test_local_argv_encodes_the_whole_command() -> None:
    argv = local_argv("pwsh", "param([string]$VMName)\nGet-VM", {"VMName": "vm1"})
    assert argv[:-1] == [
        "pwsh",
        "-NoProfile",
        "-NonInteractive",
        "-ExecutionPolicy",
        "Bypass",
        "-OutputFormat",
        "Text",
        "-EncodedCommand",
    ]
    decoded = base64.b64decode(argv[-1]).decode("utf-16-le")
    assert decoded == (
        "[Console]::OutputEncoding = [System.Text.Encoding]::UTF8\n"
        "$ProgressPreference = 'SilentlyContinue'\n"
        "& {\nparam([string]$VMName)\nGet-VM\n} -VMName 'vm1'"
    )


def test_clean_stderr_reads_clixml() -> None:
    clixml = (
        '#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">'
        '<S S="Error">Hyper-V was unable to find a VM &apos;x&apos;_x000D__x000A_</S>'
        '<S S="Error">At line:1 char:1_x000D__x000A_</S></Objs>'
    )
    assert clean_stderr(clixml) == "Hyper-V was unable to find a VM 'x'\nAt line:1 char:1"
    assert clean_stderr("  plain error\n") == "plain error"


STAND_IN = """\
import base64, sys
command = base64.b64decode(sys.argv[sys.argv.index("-EncodedCommand") + 1]).decode("utf-16-le")
with open(sys.argv[0] + ".received", "w", encoding="utf-8") as received:
    received.write(command)
if "FAIL" in command:
    sys.stderr.write("Start-VM : The operation failed because the file was not found.\\n")
    sys.exit(1)
if "CLIXML" in command:
    sys.stderr.write('#< CLIXML\\r\\n<Objs><S S="Error">access is denied_x000D__x000A_</S></Objs>')
    sys.exit(1)
if "SLOW" in command:
    import time
    time.sleep(30)
sys.stdout.buffer.write('{"Name":"vm-\u00e9","State":"Running"}\\r\\n'.encode("utf-8"))
"""


@pytest.fixture
def stand_in(tmp_path: Path) -> Path:
    path = tmp_path / "powershell-stand-in"
    path.write_text(f"#!{sys.executable}\n{STAND_IN}", encoding="utf-8")
    path.chmod(0o755)
    return path


def test_local_runner_returns_stdout(stand_in: Path) -> None:
    runner = LocalPowerShell(str(stand_in), timeout_s=20)
    assert isinstance(runner, PowerShellRunner)
    output = runner.run("param([string]$VMName)\nGet-VM", {"VMName": "it's"})
    assert output == '{"Name":"vm-\u00e9","State":"Running"}\r\n'
    received = Path(str(stand_in) + ".received").read_text(encoding="utf-8")
    assert received.endswith("& {\nparam([string]$VMName)\nGet-VM\n} -VMName 'it''s'")


def test_local_runner_raises_with_stderr_on_failure(stand_in: Path) -> None:
    runner = LocalPowerShell(str(stand_in), timeout_s=20)
    with pytest.raises(PowerShellError, match=r"exit 1\): Start-VM : The operation failed") as err:
        runner.run("param([string]$VMName)\nFAIL", {"VMName": "vm"})
    assert err.value.stderr == "Start-VM : The operation failed because the file was not found."
    with pytest.raises(PowerShellError, match="access is denied"):
        runner.run("param([string]$VMName)\nCLIXML", {"VMName": "vm"})


def test_local_runner_missing_executable_and_timeout(stand_in: Path, tmp_path: Path) -> None:
    with pytest.raises(ConnectionLost, match="not found: the local transport runs on the Hyper-V"):
        LocalPowerShell(str(tmp_path / "no-such-powershell")).run("param()", {})
    with pytest.raises(ConnectionLost, match="did not finish within 1 s"):
        LocalPowerShell(str(stand_in), timeout_s=1).run("param()\nSLOW", {})
