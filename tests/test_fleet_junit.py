"""The fleet's JUnit XML (parsed back) and the live table's rows."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rich.console import Console

from harness.cli.fleet_display import ProgressLines, status_table, totals_line
from harness.fleet.hooks import DeviceOutcome
from harness.fleet.junit_xml import write_fleet_junit
from harness.fleet.status import FleetStatus

pytestmark = pytest.mark.fleet

OUTCOMES = [
    DeviceOutcome("laptop-07", "passed", "green as expected", 12.5, 11, Path("runs/a"), None, 1),
    DeviceOutcome("kiosk-12", "failed", "red 0x80180014\x07", 3.25, 10, Path("runs/b"), None, 2,
                  (Path("runs/b0"),)),
    DeviceOutcome("vm-01", "error", "rig problem (NoFrame): stalled", 1.0, 11, Path("runs/c")),
    DeviceOutcome("desk-03", "skipped", "lease held by rig-02", 0.0, 10),
]  # fmt: skip


def test_one_testcase_per_device_with_junit_meanings(tmp_path: Path) -> None:
    path = tmp_path / "out" / "fleet.xml"
    write_fleet_junit(path, OUTCOMES, host="rig-01")
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    for element in (root, suite):
        assert element.get("tests") == "4" and element.get("failures") == "1"
        assert element.get("errors") == "1" and element.get("skipped") == "1"
        assert float(element.get("time", "0")) == pytest.approx(16.75)
    assert suite.get("hostname") == "rig-01"
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert list(cases) == ["laptop-07", "kiosk-12", "vm-01", "desk-03"]
    assert {case.get("classname") for case in cases.values()} == {"rig-01"}
    assert cases["laptop-07"].get("time") == "12.500"
    outcome_tags = {name: [c.tag for c in case] for name, case in cases.items()}
    assert outcome_tags == {
        "laptop-07": ["properties", "system-out"],
        "kiosk-12": ["properties", "failure", "system-out"],
        "vm-01": ["properties", "error", "system-out"],
        "desk-03": ["properties", "skipped"],
    }
    failure = cases["kiosk-12"].find("failure")
    assert failure is not None and failure.get("message") == "red 0x80180014?"  # no BEL in XML
    error = cases["vm-01"].find("error")
    assert error is not None and error.text == "rig problem (NoFrame): stalled"
    skipped = cases["desk-03"].find("skipped")
    assert skipped is not None and skipped.get("message") == "lease held by rig-02"
    out = cases["kiosk-12"].findtext("system-out") or ""
    assert out.splitlines() == ["bundle: runs/b", "earlier attempt: runs/b0"]
    properties = {p.get("name"): p.get("value") for p in cases["kiosk-12"].iter("property")}
    assert properties == {"verdict": "failed", "attempts": "2"}


def test_the_live_table_has_a_row_per_device() -> None:
    now = [100.0]
    status = FleetStatus([("laptop-07", 11), ("kiosk-12", 10)], clock=lambda: now[0])
    status.started("laptop-07", 1)
    status.progress("laptop-07", phase="provision", screen="esp")
    now[0] = 142.5
    console = Console(file=io.StringIO(), width=120, color_system=None)
    console.print(status_table(status))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    for column in ("device", "windows", "phase", "screen", "elapsed", "verdict"):
        assert column in text
    laptop = next(line for line in text.splitlines() if "laptop-07" in line)
    assert all(word in laptop for word in ("11", "provision", "esp", "42.5 s", "running"))
    kiosk = next(line for line in text.splitlines() if "kiosk-12" in line)
    assert "waiting" in kiosk


def test_progress_lines_show_phases_and_verdicts_not_every_screen() -> None:
    out = io.StringIO()
    status = FleetStatus([("d1", 10)])
    status.subscribe(ProgressLines(out))
    status.started("d1", 1)
    status.progress("d1", phase="power-on")
    status.progress("d1", screen="black")
    status.progress("d1", screen="oobe")
    status.finished("d1", "failed", "red")
    lines = [line.split("] ", 1)[1] for line in out.getvalue().splitlines()]
    assert lines == ["d1: started", "d1: power-on", "d1: FAILED - red"]


def test_totals_count_every_verdict() -> None:
    assert totals_line(OUTCOMES) == "4 devices: 1 passed, 1 failed, 1 error, 1 skipped"
