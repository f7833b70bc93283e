"""The randomized corpus: repeatable per seed, covers every state, varies what it claims to
vary, says what each frame shows, and keeps its marks, cursor and crops off the content."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from harness.sim.render.corpus import (
    SCHEDULE,
    STATES,
    random_frame,
    randomized_corpus,
    write_corpus,
)
from harness.sim.render.corpus_artefacts import _crop, annotations, content_box
from harness.sim.render.corpus_views import make_view
from harness.sim.render.layout import random_layout
from harness.sim.render.renderer import render_frame


@pytest.fixture(scope="module")
def frames() -> list:
    return list(randomized_corpus(3, len(SCHEDULE)))


def test_a_frame_is_drawn_again_from_its_seed() -> None:
    first, again = random_frame(123457), random_frame(123457)
    assert np.array_equal(first.image, again.image)
    assert first.expected == again.expected
    other = random_frame(123458)
    assert other.image.shape != first.image.shape or not np.array_equal(other.image, first.image)


def test_every_state_of_both_windows_versions_is_covered(frames: list) -> None:
    seen = {(frame.expected["state"], frame.expected["windows"]) for frame in frames}
    assert seen == {(state, windows) for state in STATES for windows in (10, 11)}


def test_the_corpus_varies_layout_resolution_and_artefacts(frames: list) -> None:
    assert len({frame.chain for frame in frames}) >= 5
    assert len({frame.image.shape[:2] for frame in frames}) >= 8
    assert len({frame.layout.font_family for frame in frames}) == 3
    assert {frame.layout.fields for frame in frames} >= {"columns", "inline", "stacked"}
    used = {name for frame in frames for name in frame.artefacts_used}
    assert {"crop", "annotations", "window", "thumbnail_width", "jpeg_quality"} <= used
    tiles = {
        frame.expected["selected_tile"] for frame in frames if "selected_tile" in frame.expected
    }
    assert len(tiles) >= 2


def test_expected_says_what_the_screen_shows(frames: list) -> None:
    for frame in frames:
        expected, data = frame.expected, frame.view.data
        state = expected["state"]
        if state == "black":
            assert set(expected) == {"state", "windows", "notes"}
            continue
        assert expected["title"] == data["title"]
        if state in ("configuration", "success", "failure"):
            assert expected["organization"] == data["organization"]
            assert expected["user"] == data.get("user")
            payload = data.get("qr_payload")
            assert ("ztd_id" in expected) == bool(payload)
            if payload:
                assert expected["ztd_id"] in payload.lower()
        if state in ("success", "failure"):
            hours, _, minutes, _ = data["elapsed"].split()
            assert expected["elapsed_s"] == int(hours) * 3600 + int(minutes) * 60
        if state == "esp":
            assert list(expected["esp_phases"]) == [p["name"] for p in data["phases"]]
            shown = " ".join(
                s["status"] for p in data["phases"] if p["expanded"] for s in p["substeps"]
            )
            assert all(code in shown.lower() for code in expected["error_codes"])
            assert ("0x" in shown) == bool(expected["error_codes"])


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _marks_and_obstacles(seed: int):
    rng = random.Random(seed)
    state = STATES[1 + seed % (len(STATES) - 1)]
    view = make_view(rng, state, 10 + (seed % 2))
    size = (1920, 1080)
    drawn = render_frame(view, size, random_layout(rng, size)).drawn
    obstacles = [box for kind, _, box in drawn if kind != "panel"]
    return annotations(rng, drawn, size), obstacles


def test_annotations_never_cross_a_text_an_icon_or_the_qr_code() -> None:
    marked = 0
    for seed in range(16):
        marks, obstacles = _marks_and_obstacles(seed)
        marked += bool(marks)
        _check_marks(marks, obstacles)
    assert marked >= 12  # a mark is left out only when no free place was found


def _check_marks(marks, obstacles) -> None:
    for mark in marks:
        x0, y0, x1, y1 = (round(v) for v in mark.where)
        if mark.kind == "box":
            t = mark.thickness
            outer, inner = (x0 - t, y0 - t, x1 + t, y1 + t), (x0 + t, y0 + t, x1 - t, y1 - t)
            for box in obstacles:
                inside = inner[0] <= box[0] and inner[1] <= box[1]
                inside = inside and box[2] <= inner[2] and box[3] <= inner[3]
                assert inside or not _overlap(box, outer), (mark, box)
        else:
            for step in range(101):
                x = x0 + (x1 - x0) * step / 100
                y = y0 + (y1 - y0) * step / 100
                point = (int(x), int(y), int(x) + 1, int(y) + 1)
                assert not any(_overlap(point, box) for box in obstacles), (mark, point)


@pytest.mark.parametrize("seed", range(8))
def test_a_crop_never_cuts_into_the_content(seed: int) -> None:
    rng = random.Random(seed)
    view = make_view(rng, STATES[1 + seed % (len(STATES) - 1)], 10 + seed % 2)
    size = (1366, 768)
    drawn = render_frame(view, size, random_layout(rng, size)).drawn
    left, top, right, bottom = content_box(drawn, size)
    cut = _crop(rng, drawn, size)
    assert cut[0] <= left and cut[1] <= top
    assert size[0] - cut[2] >= right and size[1] - cut[3] >= bottom


def test_write_corpus_writes_pngs_and_expected_json(tmp_path: Path) -> None:
    target = write_corpus(5, 4, tmp_path)
    entries = json.loads(target.read_text(encoding="utf-8"))
    assert len(entries) == 4
    for name, entry in entries.items():
        assert (tmp_path / name).is_file() and name.endswith(".png")
        assert entry["state"] in STATES and entry["windows"] in (10, 11)
        assert isinstance(entry["notes"], str) and f"seed {entry['seed']}" in entry["notes"]
        assert {"layout", "chain", "artefacts", "size", "screen"} <= set(entry)
    with pytest.raises(ValueError, match="count"):
        list(randomized_corpus(1, -1))
