"""Tesseract reads the result screen's title and organization at the smallest size (1024x768)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from harness.sim.render import render
from harness.sim.render.examples import example_view
from harness.sim.view import View
from tests.e2e_required import REQUIRED

pytestmark = pytest.mark.skipif(
    shutil.which("tesseract") is None and not REQUIRED, reason="tesseract-ocr is not installed"
)


def _ocr(path: Path) -> str:
    result = subprocess.run(
        ["tesseract", str(path), "-", "--psm", "11"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout


@pytest.mark.parametrize(("windows", "screen"), [(10, "failure"), (11, "success")])
def test_title_and_organization_are_readable_at_1024x768(
    windows: int, screen: str, tmp_path: Path
) -> None:
    data = {**example_view(screen, windows).data, "organization": "Fabrikam Research"}
    path = tmp_path / "screen.png"
    render(View(screen, windows, data=data), (1024, 768)).save(path)
    text = _ocr(path)
    assert data["title"] in text
    assert "Fabrikam Research" in text
    assert "Organization:" in text
