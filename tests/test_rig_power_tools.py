"""command power (real child processes, argv templates) and manual power (a real pty as the
operator's terminal)."""

from __future__ import annotations

import io
import os
import sys
import threading
from pathlib import Path

import pytest

from harness.errors import ConfigError, PowerControlError
from harness.targets import command_power, manual_power
from harness.targets.protocols import PowerState

# A stand-in PDU tool: `pdu.py HOST OUTLET on|off|status` keeps the outlet state in a file.
PDU_TOOL = """
import sys, pathlib
state_file, outlet, action = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
if action in ("on", "off"):
    state_file.write_text(action)
elif action == "status":
    print(f"Outlet {outlet} is {state_file.read_text().upper() if state_file.exists() else 'OFF'}")
else:
    print(f"unknown action {action}", file=sys.stderr); sys.exit(2)
"""


@pytest.fixture
def pdu_settings(tmp_path: Path) -> dict[str, object]:
    tool = tmp_path / "pdu.py"
    tool.write_text(PDU_TOOL, encoding="utf-8")
    base = [sys.executable, str(tool), "{state_file}", "{outlet}"]
    return {
        "variables": {"state_file": str(tmp_path / "outlet state"), "outlet": "7"},
        "on": [*base, "on"],
        "off": [*base, "off"],
        "state": [*base, "status"],
        "state_on": r"Outlet \d+ is ON",
        "state_off": r"Outlet \d+ is OFF",
    }


def test_command_templates_switch_and_read_state(
    pdu_settings: dict[str, object], tmp_path: Path
) -> None:
    power = command_power.create("power", pdu_settings, source="t")
    # The path with a space stays one argument: no shell anywhere.
    assert power.on_argv[2] == str(tmp_path / "outlet state")
    assert power.power_state() == PowerState.OFF
    power.power_on()
    assert power.power_state() == PowerState.ON
    assert (tmp_path / "outlet state").read_text() == "on"
    power.power_off()
    assert power.power_state() == PowerState.OFF


def test_failing_tool_is_a_power_error(pdu_settings: dict[str, object]) -> None:
    settings = {**pdu_settings, "on": [*pdu_settings["on"][:-1], "explode"]}  # type: ignore[index]
    power = command_power.create("power", settings, source="t")
    with pytest.raises(PowerControlError, match="exited with 2: unknown action explode"):
        power.power_on()


def test_without_state_command_the_state_is_unknown(pdu_settings: dict[str, object]) -> None:
    settings = {
        k: v for k, v in pdu_settings.items() if k not in ("state", "state_on", "state_off")
    }
    assert command_power.create("power", settings, source="t").power_state() == PowerState.UNKNOWN


@pytest.mark.parametrize(
    ("change", "bad_key", "message"),
    [
        ({"on": ["pdu", "{host}"]}, "on", "placeholder {host} is not in variables"),
        ({"state_on": "(unclosed"}, "state_on", "not a valid regular expression"),
        ({"state_on": None, "state_off": None}, "state_on", "needs state_on"),
        ({"off": "pdu off"}, "off", "list of strings"),
        ({"shell": True}, "shell", "unknown setting"),
    ],
)
def test_command_settings_are_checked(
    pdu_settings: dict[str, object], change: dict[str, object], bad_key: str, message: str
) -> None:
    settings = {k: v for k, v in {**pdu_settings, **change}.items() if v is not None}
    with pytest.raises(ConfigError, match=message) as raised:
        command_power.create("power", settings, source="lab.yaml: power")
    assert raised.value.key == bad_key


def test_manual_power_refuses_a_non_interactive_run() -> None:
    with pytest.raises(ConfigError, match="stdin is not a terminal"):
        manual_power.create("power", {"device": "laptop-07"}, source="t", stdin=io.StringIO())


def test_manual_power_asks_the_operator_on_a_terminal() -> None:
    operator_side, terminal_side = os.openpty()
    stdin = os.fdopen(terminal_side, "r", closefd=False)
    prompts = io.StringIO()
    try:
        power = manual_power.create(
            "power",
            {"device": "laptop-07", "ask_state": True},
            source="t",
            stdin=stdin,
            stdout=prompts,
        )

        def operator() -> None:
            os.write(operator_side, b"\n")  # Enter after pressing the button
            os.write(operator_side, b"maybe\ny\n")

        threading.Thread(target=operator, daemon=True).start()
        power.power_on()
        assert power.power_state() == PowerState.ON
    finally:
        stdin.close()
        os.close(operator_side)
        os.close(terminal_side)
    assert "Press the power button of laptop-07" in prompts.getvalue()
    assert prompts.getvalue().count("Is laptop-07 on? [y/n]") == 2
