"""Real openQA needles mean here what they mean in openQA: each of the needle + screenshot pairs
from os-autoinst's own test data (``shared/calibration/openqa-needles``) gets the verdict that
os-autoinst's test suite (``t/01-test_needle.t``) expects for it.

The folder is not part of the project (third-party images). It is found through
``HARNESS_CALIBRATION_DIR`` or as ``shared/calibration`` beside the checkout (or beside one of its
parents). Outside CI the test skips with the reason when it is absent; in CI (``CI`` set) or with
``HARNESS_REQUIRE_CALIBRATION=1`` an absent folder is a failure.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import cv2
import pytest

from harness.vision.needles import load_needle, match_needle

ROOT = Path(__file__).resolve().parents[1]


def _calibration_dir() -> Path | None:
    configured = os.environ.get("HARNESS_CALIBRATION_DIR")
    if configured:
        return Path(configured)
    for parent in (ROOT, *ROOT.parents):
        candidate = parent / "shared" / "calibration"
        if candidate.is_dir():
            return candidate
    return None


def _required() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("HARNESS_REQUIRE_CALIBRATION") == "1"


def _pairs_dir() -> Path:
    base = _calibration_dir()
    folder = base / "openqa-needles" if base else None
    if folder is None or not (folder / "expected.json").is_file():
        reason = (
            f"openQA calibration needles not found (looked for {folder or 'shared/calibration'})"
        )
        if _required():
            pytest.fail(reason + "; CI needs them")
        pytest.skip(reason)
    return folder


def _expected() -> list[tuple[str, dict]]:
    base = _calibration_dir()
    path = base / "openqa-needles" / "expected.json" if base else None
    if path is None or not path.is_file():
        return [("(calibration folder absent)", {})]
    return sorted(json.loads(path.read_text(encoding="utf-8")).items())


@pytest.mark.parametrize(("screenshot", "expected"), _expected(), ids=lambda v: str(v)[:40])
def test_openqa_needle_verdict(screenshot: str, expected: dict) -> None:
    folder = _pairs_dir()
    needle = load_needle(folder / expected["needle"])
    image = cv2.imread(str(folder / screenshot), cv2.IMREAD_COLOR)
    assert image is not None, screenshot
    result = match_needle(needle, image)
    assert result.passed is expected["match"], (
        f"{screenshot}: openQA says {'match' if expected['match'] else 'no match'} "
        f"({expected['why']}); here {result.detail}"
    )


def test_every_calibration_pair_is_checked() -> None:
    """The parametrised test covers every pair in the folder, at least the eight shipped."""
    folder = _pairs_dir()
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    assert len(expected) >= 8
    assert {name for name, _ in _expected()} == set(expected)
    verdicts = {entry["match"] for entry in expected.values()}
    assert verdicts == {True, False}, "the set must hold matches and mismatches"
