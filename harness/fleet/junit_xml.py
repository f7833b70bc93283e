"""A fleet run as JUnit XML, for Jenkins and GitLab: one testsuite, one testcase per device.

    <testsuites name="harness fleet run" tests="3" failures="1" errors="0" skipped="1" time="...">
      <testsuite name="harness fleet run" hostname="rig-01" tests="3" ...>
        <testcase classname="rig-01" name="laptop-07" time="1834.213">
          <properties><property name="verdict" value="failed"/> ...</properties>
          <failure message="expected a green result, ..." type="failed">...</failure>
          <system-out>bundle: runs/20260101-laptop-07</system-out>
        </testcase>

JUnit's meaning is kept: ``failed`` (the device misbehaved) is ``<failure>``, ``error`` (the rig
misbehaved) is ``<error>``, a device that did not run (``before_run``, a stop) is ``<skipped>``.
The properties are the run's (``harness.report.junit.junit_properties``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from harness.fleet.hooks import DeviceOutcome
from harness.report.atomic import atomic_write_text
from harness.report.junit import junit_properties

SUITE_NAME = "harness fleet run"
# Characters XML 1.0 cannot carry at all (device text read by OCR may hold them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: object) -> str:
    return _NOT_XML.sub("?", str(value))


def fleet_junit_xml(
    outcomes: Sequence[DeviceOutcome], *, host: str, started: datetime | None = None
) -> str:
    counts = {
        verdict: sum(o.verdict == verdict for o in outcomes)
        for verdict in ("failed", "error", "skipped")
    }
    totals = {
        "tests": str(len(outcomes)),
        "failures": str(counts["failed"]),
        "errors": str(counts["error"]),
        "skipped": str(counts["skipped"]),
        "time": f"{sum(o.duration_s for o in outcomes):.3f}",
    }
    root = ET.Element("testsuites", {"name": SUITE_NAME, **totals})
    stamp = (started or datetime.now(UTC)).isoformat(timespec="seconds")
    suite = ET.SubElement(
        root, "testsuite", {"name": SUITE_NAME, "hostname": _text(host), "timestamp": stamp}
    )
    suite.attrib.update(totals)
    for outcome in outcomes:
        suite.append(_testcase(outcome, host))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write_fleet_junit(
    path: Path, outcomes: Sequence[DeviceOutcome], *, host: str, started: datetime | None = None
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, fleet_junit_xml(outcomes, host=host, started=started))


def _testcase(outcome: DeviceOutcome, host: str) -> ET.Element:
    case = ET.Element(
        "testcase",
        {
            "classname": _text(host),
            "name": _text(outcome.device),
            "time": f"{outcome.duration_s:.3f}",
        },
    )
    pairs = [("verdict", outcome.verdict), ("attempts", str(outcome.attempts))]
    if outcome.result is not None:
        pairs = [*junit_properties(outcome.result), ("attempts", str(outcome.attempts))]
    properties = ET.SubElement(case, "properties")
    for name, value in pairs:
        ET.SubElement(properties, "property", {"name": _text(name), "value": _text(value)})
    reason = _text(outcome.reason)
    if outcome.verdict == "failed":
        ET.SubElement(case, "failure", {"message": reason, "type": "failed"}).text = reason
    elif outcome.verdict == "error":
        ET.SubElement(case, "error", {"message": reason, "type": "error"}).text = reason
    elif outcome.verdict == "skipped":
        ET.SubElement(case, "skipped", {"message": reason})
    lines = [f"bundle: {outcome.bundle_dir}"] if outcome.bundle_dir is not None else []
    lines += [f"earlier attempt: {bundle}" for bundle in outcome.earlier_bundles]
    if lines:
        ET.SubElement(case, "system-out").text = _text("\n".join(lines))
    return case
