"""The report layer stands alone: the flow imports it, never the other way round."""

from __future__ import annotations

import ast
from pathlib import Path

REPORT = Path(__file__).resolve().parents[1] / "harness" / "report"
# harness.vision.change: the one change detector of the harness (numpy and OpenCV only), which
# the bundle uses when the caller gives no verdict; the report still imports nothing of the flow.
ALLOWED = ("harness.report", "harness.errors", "harness.vision.change")


def harness_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "harness" or name.startswith("harness.")}


def test_report_imports_only_itself_errors_and_the_version() -> None:
    files = sorted(REPORT.glob("*.py"))
    assert len(files) >= 8
    offending = {
        path.name: sorted(
            name
            for name in harness_imports(path)
            if name != "harness" and not name.startswith(ALLOWED)
        )
        for path in files
    }
    assert {name: bad for name, bad in offending.items() if bad} == {}
