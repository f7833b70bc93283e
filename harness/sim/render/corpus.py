"""The randomized simulator corpus: frames vision cannot be fitted to, with what each one shows.

``randomized_corpus(seed, count)`` yields ``CorpusFrame``s: a BGR picture and ``expected``, the
state, the Windows version and every field the screen shows (title, organization, profile,
user, elapsed seconds, error codes, ESP phase statuses, selected tile, QR ZtdId). Each frame is
random within the reference: its values (``corpus_views``), its layout (``layout``), its
resolution and its capture or screenshot artefacts (``corpus_artefacts``).

Frame ``n`` is fully determined by its seed ``n``: ``random_frame(n)`` (or
``harness sim render --random-seed n``) draws it again. Consecutive seeds walk ``SCHEDULE``,
so any ``count >= len(SCHEDULE)`` covers every state of Windows 10 and 11.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from harness.sim.render.artefacts import Artefacts, apply_artefacts
from harness.sim.render.bgr import pil_to_bgr
from harness.sim.render.corpus_artefacts import random_artefacts
from harness.sim.render.corpus_views import make_view
from harness.sim.render.fonts import installed_families
from harness.sim.render.layout import Layout, describe, random_layout
from harness.sim.render.renderer import render_frame
from harness.sim.view import View

STATES = (
    "black",
    "oobe",
    "options",
    "configuration",
    "esp",
    "success",
    "failure",
    "diagnostics",
    "something-went-wrong",
)
# The ESP has the most moments and the details screens the most fields: they come more often.
_ROTA = (*STATES, "oobe", "configuration", "esp", "esp", "success", "failure")
SCHEDULE: tuple[tuple[str, int], ...] = tuple((s, w) for s in _ROTA for w in (10, 11))

# Resolutions seen on real devices and in screenshots (reference section 5), with weights.
SIZES = (
    ((1024, 768), 3),
    ((1280, 720), 2),
    ((1280, 800), 2),
    ((1366, 768), 3),
    ((1440, 900), 2),
    ((1600, 900), 2),
    ((1920, 1080), 5),
    ((1920, 1200), 2),
    ((2044, 1534), 1),
    ((2160, 1440), 1),
    ((2560, 1440), 1),
    ((3840, 2160), 1),
)
_SEEDS_PER_RUN = 100_000
_CODE = re.compile(r"0x[0-9a-fA-F]{8}")


@dataclass(frozen=True)
class CorpusFrame:
    seed: int
    image: np.ndarray
    """The frame as vision gets it: BGR uint8, any size."""
    expected: dict[str, Any]
    view: View
    layout: Layout
    chain: str
    """How the picture reached vision: clean, capture, screenshot, window, thumbnail, ..."""
    artefacts_used: tuple[str, ...]
    artefacts: Artefacts


def _codes(texts: list[str]) -> list[str]:
    """Lower-case hex codes in ``texts``, each once, in the order shown."""
    found: list[str] = []
    for text in texts:
        for code in _CODE.findall(text):
            if code.lower() not in found:
                found.append(code.lower())
    return found


def _ztd_id(payload: str | None) -> str | None:
    if not payload:
        return None
    text = payload[payload.index("{") :]
    block = json.loads(text)
    return str(block.get("BlockSequence", block)["ZtdId"]).lower()


def _elapsed_s(text: str) -> int:
    hours, minutes = re.fullmatch(r"(\d+) h (\d+) min", text).groups()  # type: ignore[union-attr]
    return int(hours) * 3600 + int(minutes) * 60


def expected_for(view: View, state: str) -> dict[str, Any]:
    """What the screen of ``view`` shows, as vision must read it (``state`` is vision's)."""
    data = view.data
    expected: dict[str, Any] = {"state": state, "windows": view.windows}
    if state == "black":
        return expected
    expected["title"] = data["title"]
    if state == "options":
        expected["selected_tile"] = data["tiles"][data["selected"]]["title"]
    if state in ("configuration", "success", "failure"):
        for key in ("organization", "profile", "user"):
            expected[key] = data.get(key)
        if state != "configuration":
            expected["elapsed_s"] = _elapsed_s(data["elapsed"])
        if data.get("qr_payload"):
            expected["ztd_id"] = _ztd_id(data["qr_payload"])
    if state == "failure":
        expected["error_codes"] = []  # the real red screen shows no code (reference step 6)
    if state == "esp":
        expected["esp_phases"] = {phase["name"]: phase["status"] for phase in data["phases"]}
        shown = [
            step["status"]
            for phase in data["phases"]
            if phase.get("expanded")
            for step in phase.get("substeps", [])
        ]
        expected["error_codes"] = _codes(shown)
    if state == "diagnostics":
        rows = [row["detail"] for section in data["sections"] for row in section["rows"]]
        expected["error_codes"] = _codes(rows)
    return expected


def random_frame(seed: int, state: str | None = None, windows: int | None = None) -> CorpusFrame:
    """Frame ``seed`` of the corpus; ``state`` / ``windows`` override the schedule's."""
    rng = random.Random(seed)
    planned_state, planned_windows = SCHEDULE[seed % len(SCHEDULE)]
    state = state or planned_state
    windows = windows or planned_windows
    sizes, weights = zip(*SIZES, strict=True)
    size = rng.choices(sizes, weights=weights)[0]
    view = make_view(rng, state, windows)
    layout = random_layout(rng, size, installed_families())
    rendered = render_frame(view, size, layout)
    unit = size[1] / 1080 * layout.scale
    chain, used, artefacts = random_artefacts(rng, rendered.drawn, size, unit)
    image = apply_artefacts(pil_to_bgr(rendered.image), artefacts, seed)
    expected = expected_for(view, state)
    expected["notes"] = (
        f"seed {seed}; screen {view.screen}; {size[0]}x{size[1]}; layout: {describe(layout)}; "
        f"chain {chain}: {', '.join(used) or 'none'}"
    )
    return CorpusFrame(seed, image, expected, view, layout, chain, used, artefacts)


def randomized_corpus(seed: int, count: int) -> Iterator[CorpusFrame]:
    """``count`` frames of run ``seed`` (frame seeds ``seed * 100000 + i``)."""
    if count < 0 or count > _SEEDS_PER_RUN:
        raise ValueError(f"count must be 0..{_SEEDS_PER_RUN}, got {count}")
    for index in range(count):
        yield random_frame(seed * _SEEDS_PER_RUN + index)


def file_name(frame: CorpusFrame) -> str:
    state = frame.expected["state"]
    return f"{frame.seed}-w{frame.view.windows}-{state}-{frame.chain}.png"


def write_corpus(seed: int, count: int, out: Path) -> Path:
    """Write the frames as PNGs and ``expected.json`` (the calibration set's shape plus every
    field, the layout and the artefacts) into ``out``; returns the JSON file."""
    out.mkdir(parents=True, exist_ok=True)
    entries: dict[str, Any] = {}
    for frame in randomized_corpus(seed, count):
        name = file_name(frame)
        if not cv2.imwrite(str(out / name), frame.image):
            raise OSError(f"could not write {out / name}")
        entries[name] = {
            **frame.expected,
            "seed": frame.seed,
            "screen": frame.view.screen,
            "size": list(frame.image.shape[1::-1]),
            "layout": asdict(frame.layout),
            "chain": frame.chain,
            "artefacts": list(frame.artefacts_used),
        }
    target = out / "expected.json"
    target.write_text(json.dumps(entries, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
