"""harness.keys runs inside the stand-in guest's minimal Python: stdlib and harness.errors only."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import harness.keys

KEYS_DIR = Path(harness.keys.__file__).parent
ALLOWED_HARNESS = {"harness.errors"}


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_keys_package_imports_only_stdlib_and_harness_errors() -> None:
    files = sorted(KEYS_DIR.glob("*.py"))
    assert len(files) >= 5
    for path in files:
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top == "harness":
                assert module.startswith("harness.keys") or module in ALLOWED_HARNESS, (
                    f"{path.name} imports {module}"
                )
            else:
                assert top in sys.stdlib_module_names, f"{path.name} imports {module}"
