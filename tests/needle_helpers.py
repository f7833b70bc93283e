"""Helpers for the needle tests: sim screens as frames, needles written to a folder."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from harness.sim.model.samples import view_for
from harness.sim.render.artefacts import preset
from harness.sim.render.bgr import render_bgr
from harness.vision.definitions import default_screens_dir

NEEDLES = default_screens_dir() / "needles"
SIZE = (1024, 768)


def render_screen(screen: str, windows: int = 10, artefacts: str | None = None) -> np.ndarray:
    return render_bgr(view_for(screen, windows), SIZE, preset(artefacts) if artefacts else None)


def write_needle(folder: Path, name: str, image: np.ndarray, document: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(folder / f"{name}.png"), image)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def match_area(x: int, y: int, w: int, h: int, **extra) -> dict:
    return {"xpos": x, "ypos": y, "width": w, "height": h, "type": "match", **extra}


def button_needle(folder: Path) -> Path:
    """The success screen: its title, and its Reseal button with a click point."""
    document = {
        "tags": ["button"],
        "properties": ["workaround", {"name": "bug", "value": "bsc#1234"}],
        "area": [
            match_area(158, 92, 708, 58),
            match_area(856, 684, 136, 52, click_point={"xpos": 68, "ypos": 26}),  # Reseal
        ],
    }
    return write_needle(folder, "button", render_screen("success"), document)
