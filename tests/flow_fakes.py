"""Oracle vision: the simulated device paired with a vision that knows its screen, for fast flow
tests and the fault matrix.

The renderer is replaced by one that paints a random block pattern unique to each View's content and
remembers it; the ESP's animated progress dots change only a 4 x 4 pixel patch of that pattern
(a frame-change detector sees an animation, not new content). ``ViewVision`` looks the picture
up again and reports what a perfect recogniser would, as the same ``Observation`` types real
vision produces. The flow, the device model, its keyboard behaviour, the sim target's frame
locking and capture faults are the real ones; only pixels and OCR are skipped (the runs with
rendered frames and real vision are in test_flow_sim.py and test_flow_matrix.py).
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
_SIZE = (96, 128)  # height, width

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


def _content(view: View) -> str:
    """The View without its animation step: what a recogniser reads."""
    phases = [{k: v for k, v in p.items() if k != "dots"} for p in view.data.get("phases", [])]
    data = {**view.data, "phases": phases} if phases else view.data
    return repr((view.screen, view.windows, data))


class ViewPainter:
    """Stands in for ``render_bgr``: a distinct random picture per View content, plus the dots."""

    def __init__(self) -> None:
        self._views: dict[int, tuple[np.ndarray, View]] = {}
        self._bases: dict[str, np.ndarray] = {}

    def __call__(self, view: View, size: tuple[int, int], artefacts: Any = None) -> np.ndarray:
        key = _content(view)
        base = self._bases.get(key)
        if base is None:
            if view.screen in ("off", "black", "firmware"):
                base = np.zeros((*_SIZE, 3), dtype=np.uint8)
            else:
                seed = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "little")
                rng = np.random.default_rng(seed)
                # Random 8 x 8 blocks, not pixel noise: a change detector compares cell averages,
                # and those of two pixel-noise pictures are all about the same grey.
                blocks = rng.integers(30, 156, (_SIZE[0] // 8, _SIZE[1] // 8, 3), dtype=np.uint8)
                base = blocks.repeat(8, axis=0).repeat(8, axis=1)
            self._bases[key] = base
        image = base
        if view.animated:
            image = base.copy()
            # One 4 x 4 dot inside one 8 x 8 block, moving block by block: enough to move that
            # one cell of a change detector's grid, far from a content change.
            x = 8 * view.animation
            image[0:4, x : x + 4] += 100
        # Kept alive here, so an id() is never reused for another picture during the run.
        self._views[id(image)] = (image, view)
        return image

    def view_of(self, image: np.ndarray) -> View | None:
        found = self._views.get(id(image))
        return found[1] if found is not None and found[0] is image else None


class ViewVision:
    def __init__(self, painter: ViewPainter) -> None:
        self.painter = painter

    def classify(self, image: np.ndarray) -> Observation:
        return self.observe(image)

    def observe(self, image: np.ndarray) -> Observation:
        view = self.painter.view_of(image)
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
