"""Vision on REAL screenshots: the calibration set (``../shared/calibration/real-screens``).

Every file of the folder is observed; its state must be one of the expected states
(``expected.json``: a list means any of those) and every ESP phase status must be right. The
figures are printed (``pytest -s``). The folder is not part of the project (third-party images):
the test skips with a visible reason when it is absent, except in CI (``CI`` set) or with
``HARNESS_REQUIRE_CALIBRATION=1``, where its absence is a failure.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

import cv2
import pytest

from harness.vision import Vision

CALIBRATION_ENV = "HARNESS_CALIBRATION_DIR"


def calibration_dir() -> Path:
    override = os.environ.get(CALIBRATION_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[1].parent / "shared" / "calibration"


def _required() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("HARNESS_REQUIRE_CALIBRATION") == "1"


@pytest.fixture(scope="module")
def real_screens() -> tuple[Path, dict[str, Any]]:
    folder = calibration_dir() / "real-screens"
    expected_file = folder / "expected.json"
    if not expected_file.is_file():
        reason = f"calibration set not found at {folder} (set {CALIBRATION_ENV})"
        if _required():
            pytest.fail(f"{reason}; CI or HARNESS_REQUIRE_CALIBRATION=1 requires it")
        pytest.skip(reason)
    return folder, json.loads(expected_file.read_text(encoding="utf-8"))


def test_every_real_screen_is_read_right(real_screens: tuple[Path, dict[str, Any]]) -> None:
    folder, expected = real_screens
    vision = Vision()
    files = sorted(path for path in folder.iterdir() if path.suffix.lower() in (".png", ".jpg"))
    assert files, f"no screenshots in {folder}"
    states_right = 0
    phases_right = phases_total = 0
    misses: list[str] = []
    seconds: list[float] = []
    for path in files:
        entry = expected.get(path.name)
        assert entry is not None, f"{path.name} has no entry in expected.json"
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        assert image is not None, f"cannot read {path}"
        start = time.perf_counter()
        observation = vision.observe(image)
        seconds.append(time.perf_counter() - start)
        wanted = entry["state"] if isinstance(entry["state"], list) else [entry["state"]]
        if observation.state.value in wanted:
            states_right += 1
        else:
            misses.append(f"{path.name}: state {observation.state.value}, expected {wanted}")
        shown = {phase.name: phase.status for phase in observation.fields.esp_phases}
        for phase, status in entry.get("esp_phases", {}).items():
            if observation.state.value != "esp":
                continue  # an ESP screen may be `unknown` where that is allowed
            phases_total += 1
            if shown.get(phase) == status:
                phases_right += 1
            else:
                misses.append(f"{path.name}: {phase} {shown.get(phase)!r}, expected {status!r}")
    print(
        f"\ncalibration: states {states_right}/{len(files)}, ESP phases "
        f"{phases_right}/{phases_total}, observe median "
        f"{statistics.median(seconds) * 1000:.0f} ms, {vision.stats.to_dict()}"
    )
    for miss in misses:
        print("  miss:", miss)
    assert not misses, "\n".join(misses)
    assert phases_total > 0, "no ESP screen was read as esp"
