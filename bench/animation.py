"""Frames for the change detector's figures: one screen captured again and again (nothing changed
but the grabber's noise), and the ESP with its row of progress dots moving (animation only).

The simulator draws no progress dots, so they are drawn here on the rendered ESP, under the
working phase's status line (found by rendering it with and without that line), before the
grabber artefacts: five dots of 0.5 % of the frame height, like Windows' indeterminate progress.
"""

from __future__ import annotations

import copy

import cv2
import numpy as np


def recaptures(size: tuple[int, int], count: int, screen: str = "esp") -> list[np.ndarray]:
    """``count`` grabber captures of one unchanged screen (different noise and JPEG each)."""
    from harness.sim.model.samples import view_for
    from harness.sim.render.artefacts import preset
    from harness.sim.render.bgr import render_bgr

    view = view_for(screen, 10)
    return [render_bgr(view, size, preset("hdmi-grabber"), seed=seed) for seed in range(count)]


def dots_frames(size: tuple[int, int], count: int) -> list[np.ndarray]:
    """``count`` captures of the Windows 10 ESP whose progress dots are at another place each."""
    from harness.sim.model.samples import view_for
    from harness.sim.render.artefacts import apply_artefacts, preset
    from harness.sim.render.bgr import render_bgr
    from harness.sim.view import View

    view = view_for("esp", 10)
    still = render_bgr(view, size)
    data = copy.deepcopy(view.data)
    data["phases"][1]["status"] = ""
    blank = render_bgr(View(screen="esp", windows=10, data=data), size)
    ys, xs = np.nonzero(cv2.absdiff(still, blank).max(axis=2) > 40)
    x, y = int(xs.min()), int(ys.max()) + max(4, int(ys.max() - ys.min()) // 2)
    radius, span = max(2, round(size[1] / 400)), round(0.12 * size[0])
    frames = []
    for index in range(count):
        image = still.copy()
        lead = x + (index % 20) / 20 * (span + 20 * radius)
        for dot in range(5):
            centre = round(lead - dot * 5 * radius)
            if x <= centre <= x + span:
                cv2.circle(image, (centre, y), radius, (250, 225, 190), -1, cv2.LINE_AA)
        frames.append(apply_artefacts(image, preset("hdmi-grabber"), seed=index))
    return frames
