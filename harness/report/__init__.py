"""The report layer: the run bundle, the run record, the HTML report and JUnit properties.

The flow imports this package; this package never imports ``harness.flow``.

Public API:

- ``RunResult`` and its parts ``ResultFields``, ``Phase``, ``Step``, ``Event``, ``DeviceInfo``;
  ``SCHEMA_VERSION``; ``ResultFormatError`` (a malformed ``result.json``).
- ``RunBundle(out_dir, run_id=None, *, name_parts=())``: writes one run's folder incrementally,
  ``make_run_id(name_parts)``.
- ``write_html_report(bundle_dir) -> Path``: ``report.html`` from ``result.json``.
- ``junit_properties(result) -> list[tuple[str, str]]``.

See ``docs/report.md`` (the bundle) and ``docs/result-schema.md`` (every key of ``result.json``).
"""

from harness.report.bundle import RunBundle, make_run_id
from harness.report.html import write_html_report
from harness.report.junit import junit_properties
from harness.report.result import (
    INTERRUPTED_REASON,
    SCHEMA_VERSION,
    DeviceInfo,
    Event,
    Phase,
    ResultFields,
    ResultFormatError,
    RunResult,
    Step,
)

__all__ = [
    "INTERRUPTED_REASON",
    "SCHEMA_VERSION",
    "DeviceInfo",
    "Event",
    "Phase",
    "ResultFields",
    "ResultFormatError",
    "RunBundle",
    "RunResult",
    "Step",
    "junit_properties",
    "make_run_id",
    "write_html_report",
]
