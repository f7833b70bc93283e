"""Frames to measure on: the simulated device's screens as a capture device delivers them.

``harness.sim.render.bgr.render_bgr`` + ``harness.sim.model.samples.view_for`` with the
``hdmi-grabber`` artefacts (JPEG, noise, scaler error, overscan, blur, a cursor) when the
simulator is installed; otherwise synthetic screens (a coloured page, text, a QR code drawn with
segno), so the benchmark still runs on a checkout without the simulator.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import cv2
import numpy as np
import segno

SCREENS_WITH_QR = ("configuration", "success")
BENCH_SCREENS = ("oobe-region", "options", "configuration", "esp", "success", "failure")
PAYLOAD = json.dumps(
    {
        "Version": "1.0.0",
        "Id": "0f6e2d8c-1a4b-4e9f-b3c7-5d2a9e8f1b6c",
        "ZtdId": "7a3c9e2f-5b1d-4c8a-9e6f-2d4b8a1c3e5f",
        "PKID": "",
        "SerialNumber": "",
        "SequenceBlockNumber": 1,
        "TotalBlocks": 1,
    },
    separators=(",", ":"),
)


@dataclass(frozen=True)
class Scene:
    name: str
    """``win10/configuration`` or ``synthetic/configuration``."""
    image: np.ndarray
    qr_payload: str | None


def simulator_available() -> bool:
    try:
        from harness.sim.model.samples import view_for  # noqa: F401
        from harness.sim.render.bgr import render_bgr  # noqa: F401
    except ImportError:
        return False
    return True


def scenes(size: tuple[int, int], artefacts: str = "hdmi-grabber") -> list[Scene]:
    """The bench screens at ``size`` (width, height), from the simulator if it is installed."""
    if simulator_available():
        return _sim_scenes(size, artefacts)
    return [_synthetic(size, name) for name in BENCH_SCREENS]


def _sim_scenes(size: tuple[int, int], artefacts: str) -> list[Scene]:
    from harness.sim.model.samples import view_for
    from harness.sim.render.artefacts import preset
    from harness.sim.render.bgr import render_bgr

    found = []
    for windows in (10, 11):
        for screen in BENCH_SCREENS:
            view = view_for(screen, windows)
            image = render_bgr(view, size, preset(artefacts), seed=windows)
            payload = view.data.get("qr_payload")
            found.append(Scene(f"win{windows}/{screen}", image, payload))
    return found


def _synthetic(size: tuple[int, int], screen: str) -> Scene:
    width, height = size
    image = np.empty((height, width, 3), np.uint8)
    image[:] = (51, 117, 0) if screen == "success" else (117, 66, 0)
    scale = height / 1080
    for line in range(6):
        origin = (round(120 * scale), round((160 + 70 * line) * scale))
        cv2.putText(image, f"{screen} line {line}", origin, 0, 1.2 * scale, (255,) * 3, 2)
    payload = PAYLOAD if screen in SCREENS_WITH_QR else None
    if payload is not None:
        module = max(2, round(5 * scale))
        matrix = np.pad(np.array(segno.make_qr(payload).matrix, np.uint8), 4)
        tile = np.kron(np.where(matrix == 1, 0, 255).astype(np.uint8), np.ones((module,) * 2))
        side = tile.shape[0]
        x, y = round(width * 0.62), (height - side) // 2
        image[y : y + side, x : x + side] = tile[..., None].astype(np.uint8)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 70])
    if not ok:
        raise RuntimeError("OpenCV could not encode a synthetic frame as JPEG")
    return Scene(f"synthetic/{screen}", cv2.imdecode(data, cv2.IMREAD_COLOR), payload)
