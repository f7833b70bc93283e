"""openQA-format needles in frame pixels: exclude areas, click points, boxes on narrower, wider,
letterboxed and smaller frames, a needle with dark edges, unrelated screens against 80 % needles,
and openQA's tie-break between equally good places."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from harness.sim.model.samples import view_for
from harness.sim.render.bgr import render_bgr
from harness.vision.needles import load_needle, match_needle
from tests.needle_helpers import SIZE, button_needle, match_area, render_screen, write_needle

# --- exclude areas ----------------------------------------------------------------------------


def test_exclude_area_is_ignored_on_both_sides(tmp_path: Path) -> None:
    picture = render_screen("success")
    changed = picture.copy()
    cv2.putText(changed, "12:34", (700, 300), cv2.FONT_HERSHEY_SIMPLEX, 2, (0, 0, 0), 5)
    document = {"tags": ["t"], "area": [match_area(100, 200, 800, 200)]}
    plain = load_needle(write_needle(tmp_path, "plain", picture, document))
    assert not match_needle(plain, changed).passed
    document["area"].append(
        {"xpos": 680, "ypos": 230, "width": 220, "height": 100, "type": "exclude"}
    )
    excluding = load_needle(write_needle(tmp_path, "excluding", picture, document))
    result = match_needle(excluding, changed)
    assert result.passed, result.detail
    assert result.score > 0.99


# --- frames of another size: boxes and click points in frame pixels ---------------------------


def test_click_point_and_properties_are_kept(tmp_path: Path) -> None:
    needle = load_needle(button_needle(tmp_path))
    assert needle.areas[1].click_point == (68.0, 26.0)
    assert needle.has_property("workaround")
    assert needle.property_value("bug") == "bsc#1234"
    result = match_needle(needle, needle.image)
    assert result.passed
    assert result.click_point == (856 + 68, 684 + 26)
    assert result.click_target == result.click_point
    assert [item.name for item in result.properties] == ["workaround", "bug"]


def test_click_point_center_and_default(tmp_path: Path) -> None:
    document = {"tags": ["c"], "area": [match_area(16, 560, 240, 60, click_point="center")]}
    centred = load_needle(write_needle(tmp_path, "centred", render_screen("success"), document))
    assert match_needle(centred, centred.image).click_point == (16 + 120, 560 + 30)
    del document["area"][0]["click_point"]
    plain = load_needle(write_needle(tmp_path, "plain", render_screen("success"), document))
    result = match_needle(plain, plain.image)
    assert result.click_point is None
    assert result.click_target == (16 + 120, 560 + 30)  # openQA clicks the last area's centre


@pytest.mark.parametrize("width", [960, 900, 1100])
def test_boxes_right_on_a_narrower_or_wider_picture(tmp_path: Path, width: int) -> None:
    """A 4:3 needle on a frame of another width (the sim centres its layout, as Windows does):
    the title is found where it is in that frame, and the click point follows it."""
    document = {"tags": ["t"], "area": [match_area(158, 92, 708, 58, click_point="center")]}
    needle = load_needle(write_needle(tmp_path, "title", render_screen("success"), document))
    frame = render_bgr(view_for("success", 10), (width, SIZE[1]))
    result = match_needle(needle, frame)
    assert result.passed, result.detail
    left = 158 - (SIZE[0] - width) // 2
    assert result.areas[0].found == (left, 92, 708, 58)
    assert result.box == (left, 92, 708, 58)
    assert result.click_point == (left + 354, 92 + 29)


def test_boxes_right_on_a_picture_cut_at_the_sides(tmp_path: Path) -> None:
    needle = load_needle(button_needle(tmp_path))
    cut = 24
    narrow = np.ascontiguousarray(needle.image[:, cut : SIZE[0] - cut])
    result = match_needle(needle, narrow)
    assert result.passed, result.detail
    title, button = result.areas
    assert title.found == (158 - cut, 92, 708, 58)
    assert button.found == (856 - cut, 684, 136, 52)
    assert result.click_point == (856 - cut + 68, 710)


def test_boxes_right_inside_black_bars(tmp_path: Path) -> None:
    """The needle's picture inside a bigger frame with black bars (letterbox and pillarbox)."""
    needle = load_needle(button_needle(tmp_path))
    framed = cv2.copyMakeBorder(needle.image, 40, 60, 120, 80, cv2.BORDER_CONSTANT, value=0)
    result = match_needle(needle, framed)
    assert result.passed, result.detail
    assert result.areas[0].found == (158 + 120, 92 + 40, 708, 58)
    assert result.click_point == (856 + 120 + 68, 684 + 40 + 26)


def test_boxes_scale_on_a_smaller_frame(tmp_path: Path) -> None:
    needle = load_needle(button_needle(tmp_path))
    small = cv2.resize(needle.image, (512, 384), interpolation=cv2.INTER_AREA)
    title = match_needle(needle, small).areas[0]
    assert abs(title.found[0] - 79) <= 2 and abs(title.found[1] - 46) <= 2
    assert abs(title.found[2] - 354) <= 2 and abs(title.found[3] - 29) <= 2


def test_needle_with_dark_edges_matches_its_own_png(tmp_path: Path) -> None:
    picture = cv2.copyMakeBorder(
        render_screen("success"), 0, 0, 128, 128, cv2.BORDER_CONSTANT, value=0
    )
    document = {
        "tags": ["d"],
        "area": [match_area(128 + 158, 92, 708, 58), match_area(0, 0, 1280, 768)],
    }
    needle = load_needle(write_needle(tmp_path, "dark", picture, document))
    result = match_needle(needle, picture)
    assert result.passed and result.score == 1.0, result.detail


# --- unrelated screens ------------------------------------------------------------------------

_FLOW_SCREENS = (
    "oobe-region",
    "oobe-keyboard",
    "oobe-network",
    "oobe-signin",
    "options",
    "configuration",
    "esp",
    "success",
    "failure",
    "diagnostics",
    "something-went-wrong",
)


@pytest.mark.parametrize("windows", [10, 11])
def test_80_percent_needle_matches_no_unrelated_screen(tmp_path: Path, windows: int) -> None:
    """A needle over most of a screen at a lax 80 % still matches only its own screen (here
    through JPEG-50), never one of the other screens of the flow."""
    screens = {name: render_screen(name, windows) for name in _FLOW_SCREENS}
    captured = {name: render_screen(name, windows, "jpeg50") for name in _FLOW_SCREENS}
    wrong = []
    for name, picture in screens.items():
        document = {"tags": [name], "area": [match_area(64, 64, 896, 640, match=80)]}
        needle = load_needle(write_needle(tmp_path, name, picture, document))
        for other, frame in captured.items():
            result = match_needle(needle, frame)
            if result.passed != (other == name):
                wrong.append(f"{name} on {other}: {result.score:.3f}")
    assert not wrong


def test_80_percent_needle_rejects_synthetic_screens(tmp_path: Path) -> None:
    needle = load_needle(
        write_needle(
            tmp_path,
            "success",
            render_screen("success"),
            {"tags": ["s"], "area": [match_area(64, 64, 896, 640, match=80)]},
        )
    )
    generator = np.random.default_rng(3)
    for seed in range(20):
        frame = np.full((*SIZE[::-1], 3), generator.integers(0, 256, 3), dtype=np.uint8)
        for _ in range(6):
            x, y = generator.integers(0, 900), generator.integers(0, 700)
            text = f"Screen {seed}"
            colour = tuple(int(c) for c in generator.integers(0, 256, 3))
            cv2.putText(frame, text, (int(x), int(y)), cv2.FONT_HERSHEY_SIMPLEX, 1.5, colour, 3)
        assert not match_needle(needle, frame).passed, seed


# --- openQA's tie-break, literally --------------------------------------------------------------


def _min_vec_as_in_openqa(errors: np.ndarray, bound: float, recorded: tuple[int, int]):
    """A line-by-line port of os-autoinst's minVec + SortByClose (first of the nearest)."""
    threshold = np.float32(bound) + np.float32(10)
    kept: list[tuple[int, int]] = []
    for y in range(errors.shape[0]):
        for x in range(errors.shape[1]):
            value = errors[y, x]
            if value > threshold:
                continue
            if value + np.float32(10) < threshold:
                threshold = value + np.float32(10)
                kept = []
            kept.append((x, y))
    distances = [np.hypot(x - recorded[0], y - recorded[1]) for x, y in kept]
    return kept[int(np.argmin(distances))] if kept else None


@pytest.mark.parametrize("seed", range(40))
def test_tie_break_equals_openqa_min_vec(seed: int) -> None:
    from harness.vision.needle_match import _closest_good

    generator = np.random.default_rng(seed)
    shape = (int(generator.integers(1, 12)), int(generator.integers(1, 12)))
    # Coarse values so that ties and near-ties (within 10) are common.
    errors = (generator.integers(0, 8, shape) * 7.0).astype(np.float32)
    recorded = (int(generator.integers(0, 30)), int(generator.integers(0, 30)))
    bound = float(errors.flat[int(generator.integers(0, errors.size))])
    assert _closest_good(errors, bound, recorded) == _min_vec_as_in_openqa(errors, bound, recorded)
