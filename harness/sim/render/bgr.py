"""``render_bgr``: the rendered screen as a BGR numpy array for OpenCV, with optional artefacts."""

from __future__ import annotations

import numpy as np
from PIL import Image

from harness.sim.render.artefacts import Artefacts, apply_artefacts
from harness.sim.render.renderer import render
from harness.sim.view import View


def pil_to_bgr(image: Image.Image) -> np.ndarray:
    """An RGB Pillow image as a contiguous BGR uint8 array."""
    return np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])


def render_bgr(
    view: View, size: tuple[int, int], artefacts: Artefacts | None = None, seed: int = 0
) -> np.ndarray:
    """The screen of ``view`` as an (height, width, 3) BGR uint8 array of exactly ``size``."""
    bgr = pil_to_bgr(render(view, size))
    if artefacts is None:
        return bgr
    return apply_artefacts(bgr, artefacts, seed)
