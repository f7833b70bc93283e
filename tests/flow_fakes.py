"""A pixel-free pairing of the simulated device and vision, for fast flow tests.

The renderer is replaced by one that paints a random pattern unique to each View and remembers
it; ``ViewVision`` looks the View up again and reports what a perfect recogniser would. The flow,
the device model and the keyboard behaviour are the real ones; only pixels and OCR are skipped
(the OCR-backed end-to-end runs are in test_flow_sim.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import numpy as np

from harness.sim.view import View
from harness.vision import EspPhase, EspStep, Fields, Observation, QrResult, ScreenState

_CODE = re.compile(r"0x[0-9a-fA-F]{8}")

_STATES = {
    "off": ScreenState.BLACK,
    "black": ScreenState.BLACK,
    "firmware": ScreenState.BLACK,
    "options": ScreenState.OPTIONS,
    "configuration": ScreenState.CONFIGURATION,
    "esp": ScreenState.ESP,
    "success": ScreenState.SUCCESS,
    "failure": ScreenState.FAILURE,
    "diagnostics": ScreenState.DIAGNOSTICS,
    "something-went-wrong": ScreenState.SOMETHING_WENT_WRONG,
}


class ViewPainter:
    """Stands in for ``render_bgr``: a distinct random picture per View, remembered by digest."""

    def __init__(self) -> None:
        self.views: dict[bytes, View] = {}

    def __call__(self, view: View, size: tuple[int, int], artefacts: Any = None) -> np.ndarray:
        key = json.dumps([view.screen, view.windows, view.data], sort_keys=True, default=str)
        seed = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "little")
        image = np.random.default_rng(seed).integers(0, 256, (48, 64, 3), dtype=np.uint8)
        self.views[hashlib.sha256(image.tobytes()).digest()] = view
        return image


class ViewVision:
    def __init__(self, painter: ViewPainter) -> None:
        self.painter = painter

    def classify(self, image: np.ndarray) -> Observation:
        return self.observe(image)

    def observe(self, image: np.ndarray) -> Observation:
        view = self.painter.views.get(hashlib.sha256(image.tobytes()).digest())
        if view is None:
            return Observation(ScreenState.UNKNOWN, 0.0)
        state = _STATES.get(view.screen)
        if state is None:
            state = ScreenState.OOBE if view.screen.startswith("oobe") else ScreenState.UNKNOWN
        return Observation(state, 1.0, view.windows, _fields(view), _qr(view))


def _fields(view: View) -> Fields:
    data = view.data
    codes: list[str] = []
    phases: list[EspPhase] = []
    for phase in data.get("phases", []):
        steps = []
        for step in phase.get("substeps", []):
            found = _CODE.findall(step["status"])
            codes.extend(code.lower() for code in found)
            steps.append(EspStep(step["name"], step["status"], found[0].lower() if found else None))
        phases.append(EspPhase(phase["name"], phase["status"], tuple(steps)))
    for section in data.get("sections", []):
        for row in section.get("rows", []):
            codes.extend(code.lower() for code in _CODE.findall(row.get("detail", "")))
    tiles = data.get("tiles")
    selected = tiles[data["selected"]]["title"] if tiles else None
    return Fields(
        title=data.get("title"),
        profile=data.get("profile"),
        organization=data.get("organization"),
        user=data.get("user"),
        elapsed_text=data.get("elapsed"),
        error_codes=tuple(dict.fromkeys(codes)),
        selected_tile=selected,
        esp_phases=tuple(phases),
        message=data.get("message"),
    )


def _qr(view: View) -> QrResult | None:
    payload = view.data.get("qr_payload")
    if not payload:
        return None
    parsed = json.loads(payload)
    return QrResult(raw=payload, decoder="fake", payload=parsed, ztd_id=parsed["ZtdId"])
