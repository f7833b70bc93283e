"""The bundle's folder: its name (the run id), the files in it, and pictures written into it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np

from harness.errors import UsageError

RESULT_FILE = "result.json"
LOG_FILE = "run.log"
TIMELINE_FILE = "timeline.jsonl"
VIDEO_FILE = "video.mp4"
VTT_FILE = "video.vtt"
SRT_FILE = "video.srt"
REPORT_FILE = "report.html"
STEPS_DIR = "steps"
DIAGNOSTICS_DIR = "diagnostics"

_SAFE_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def make_run_id(name_parts: Sequence[str] = (), now: datetime | None = None) -> str:
    """``20261127-183000-sim-success``: UTC date and time, then the name parts as slugs."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    slugs = [slug for slug in (slug_of(part) for part in name_parts) if slug]
    return "-".join([moment.strftime("%Y%m%d-%H%M%S"), *slugs])


def create_folder(
    out_dir: Path, run_id: str | None, name_parts: Sequence[str], now: datetime
) -> Path:
    """Claim a new folder in ``out_dir``: ``run_id``, or a fresh run id from the name parts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if run_id is not None:
        if not _SAFE_RUN_ID.match(run_id):
            raise UsageError(f"run_id {run_id!r}: use letters, digits, '.', '_' and '-' only")
        path = out_dir / run_id
        try:
            path.mkdir()
        except FileExistsError:
            raise UsageError(f"run_id {run_id!r}: {path} already exists") from None
        return path
    base = make_run_id(name_parts, now)
    # Two runs started in the same second get -2, -3 ...; mkdir is the atomic claim.
    for attempt in range(1, 1000):
        path = out_dir / (base if attempt == 1 else f"{base}-{attempt}")
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return path
    raise UsageError(f"cannot create a bundle folder for {base!r} in {out_dir}")


def slug_of(text: str) -> str:
    """Lower-case letters, digits and dashes (a file or folder name part), at most 60."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def write_png(path: Path, image_bgr: np.ndarray) -> None:
    path.parent.mkdir(exist_ok=True)
    ok, encoded = cv2.imencode(".png", image_bgr)
    if not ok:
        raise UsageError(f"cannot encode an image of shape {image_bgr.shape} as PNG")
    path.write_bytes(encoded.tobytes())
