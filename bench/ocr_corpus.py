"""Frames with known text for the OCR engine comparison.

- ``sim_frames``: every screen the simulated device draws (Windows 10 and 11) at 1024x768 and
  1920x1080, through the ``hdmi-grabber`` capture artefacts, with every text line the renderer
  drew (its text and box, moved by the preset's overscan and scaler error as the pixels were).
- ``calibration_frames``: the real screenshots of ``shared/calibration/real-screens`` that have
  a ``title`` in ``expected.json``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import ImageDraw

from harness.vision.ocr_engine import Box

SIM_SIZES = ((1024, 768), (1920, 1080))
SIM_PRESET = "hdmi-grabber"
CALIBRATION_ENV = "HARNESS_CALIBRATION_DIR"


@dataclass(frozen=True)
class TextLine:
    text: str
    box: Box
    """(x, y, width, height) in the frame's pixels."""


@dataclass
class Frame:
    name: str
    image: np.ndarray
    title: str | None
    lines: list[TextLine] = field(default_factory=list)
    """Every line drawn (simulator only; empty for a real screenshot)."""


@contextmanager
def _recording_text(drawn: list[tuple[str, tuple[int, int, int, int]]]) -> Iterator[None]:
    """Record every ``ImageDraw.text`` call (text, left-top-right-bottom) while rendering.

    The renderer draws each line through ``ImageDraw.text``; wrapping it for the duration of one
    render is the only way to learn what it drew without changing the renderer."""
    original = ImageDraw.ImageDraw.text
    depth = [0]

    def text(self: ImageDraw.ImageDraw, xy: Any, content: Any, *args: Any, **kwargs: Any) -> Any:
        depth[0] += 1
        try:
            if depth[0] == 1 and isinstance(content, str) and content.strip():
                font = kwargs.get("font")
                anchor = kwargs.get("anchor")
                bounds = self.textbbox(xy, content, font=font, anchor=anchor)
                drawn.append((content, tuple(int(v) for v in bounds)))
            return original(self, xy, content, *args, **kwargs)
        finally:
            depth[0] -= 1

    ImageDraw.ImageDraw.text = text  # type: ignore[method-assign]
    try:
        yield
    finally:
        ImageDraw.ImageDraw.text = original  # type: ignore[method-assign]


def _geometry(artefacts: Any, size: tuple[int, int]) -> tuple[float, float, float, float]:
    """(sx, ox, sy, oy): where a rendered pixel lands after the preset's overscan and scaler
    error (``harness.sim.render.artefacts.apply_artefacts``): x' = x * sx + ox."""
    width, height = size
    sx, ox, sy, oy = 1.0, 0.0, 1.0, 0.0
    if artefacts.overscan > 0:
        dx, dy = round(width * artefacts.overscan), round(height * artefacts.overscan)
        sx, sy = width / (width - 2 * dx), height / (height - 2 * dy)
        ox, oy = -dx * sx, -dy * sy
    if artefacts.scale != 1.0:
        new_w, new_h = round(width * artefacts.scale), round(height * artefacts.scale)
        shift_x = (width - new_w) // 2 if new_w <= width else -((new_w - width) // 2)
        shift_y = (height - new_h) // 2 if new_h <= height else -((new_h - height) // 2)
        fx, fy = new_w / width, new_h / height
        sx, ox, sy, oy = sx * fx, ox * fx + shift_x, sy * fy, oy * fy + shift_y
    return sx, ox, sy, oy


def _moved(bounds: tuple[int, int, int, int], geometry: tuple[float, ...], size: Any) -> Box:
    sx, ox, sy, oy = geometry
    left, top = bounds[0] * sx + ox, bounds[1] * sy + oy
    right, bottom = bounds[2] * sx + ox, bounds[3] * sy + oy
    left, top = max(0, round(left)), max(0, round(top))
    right, bottom = min(size[0], round(right)), min(size[1], round(bottom))
    return left, top, max(0, right - left), max(0, bottom - top)


def sim_frames(sizes: tuple[tuple[int, int], ...] = SIM_SIZES) -> list[Frame]:
    from harness.sim.model.samples import view_for
    from harness.sim.render.artefacts import apply_artefacts, preset
    from harness.sim.render.bgr import pil_to_bgr
    from harness.sim.render.renderer import render
    from harness.sim.view import SCREENS

    artefacts = preset(SIM_PRESET)
    screens = [s for s in SCREENS if s not in ("off", "black", "firmware")]
    frames = []
    for size in sizes:
        geometry = _geometry(artefacts, size)
        for windows in (10, 11):
            for seed, screen in enumerate(screens):
                view = view_for(screen, windows)
                drawn: list[tuple[str, tuple[int, int, int, int]]] = []
                with _recording_text(drawn):
                    picture = render(view, size)
                image = apply_artefacts(pil_to_bgr(picture), artefacts, seed)
                lines = [TextLine(text, _moved(b, geometry, size)) for text, b in drawn]
                lines = [line for line in lines if line.box[2] > 1 and line.box[3] > 1]
                name = f"sim win{windows}/{screen} {size[0]}x{size[1]}"
                frames.append(Frame(name, image, view.data.get("title"), lines))
    return frames


def calibration_dir() -> Path | None:
    """``$HARNESS_CALIBRATION_DIR``, else ``shared/calibration/real-screens`` beside the repo."""
    here = Path(__file__).resolve().parent.parent
    candidates = [Path(os.environ[CALIBRATION_ENV])] if os.environ.get(CALIBRATION_ENV) else []
    candidates += [
        here.parent / "shared" / "calibration" / "real-screens",
        here.parent.parent / "shared" / "calibration" / "real-screens",
    ]
    for candidate in candidates:
        if (candidate / "expected.json").is_file():
            return candidate
    return None


def calibration_frames() -> list[Frame]:
    folder = calibration_dir()
    if folder is None:
        return []
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    frames = []
    for file_name, entry in sorted(expected.items()):
        if not entry.get("title"):
            continue
        image = cv2.imread(str(folder / file_name), cv2.IMREAD_COLOR)
        if image is None:
            raise RuntimeError(f"{folder / file_name}: not a readable image")
        frames.append(Frame(f"real {file_name}", image, entry["title"]))
    return frames
