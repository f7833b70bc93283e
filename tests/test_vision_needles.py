"""openQA-format needles: file format, folder loading, openQA's matching scale, boxes and click
points in frame pixels, and the ``harness needle match`` command."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from harness.cli.main import main
from harness.errors import ConfigError
from harness.sim.model.samples import view_for
from harness.sim.render.artefacts import preset
from harness.sim.render.bgr import render_bgr
from harness.vision.definitions import default_screens_dir
from harness.vision.needles import NeedleSet, load_needle, match_needle

NEEDLES = default_screens_dir() / "needles"
SIZE = (1024, 768)


@pytest.fixture(scope="module")
def needle():
    (found,) = NeedleSet.load(NEEDLES).with_tags(("w10-success",))
    return found


def _render(screen: str, windows: int = 10, artefacts: str | None = None) -> np.ndarray:
    return render_bgr(view_for(screen, windows), SIZE, preset(artefacts) if artefacts else None)


def _write_needle(folder: Path, name: str, image: np.ndarray, document: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(folder / f"{name}.png"), image)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _area(x: int, y: int, w: int, h: int, **extra) -> dict:
    return {"xpos": x, "ypos": y, "width": w, "height": h, "type": "match", **extra}


# --- the shipped example needle ---------------------------------------------------------------


def test_example_needle_has_openqa_defaults(needle) -> None:
    assert [area.kind for area in needle.areas] == ["match", "match", "exclude"]
    assert needle.areas[0].level == 0.96
    assert needle.areas[0].margin == 50


@pytest.mark.parametrize("artefacts", [None, "jpeg50", "noisy", "cursor"])
def test_needle_matches_its_screen_through_capture_artefacts(needle, artefacts) -> None:
    match = match_needle(needle, _render("success", artefacts=artefacts))
    assert match.passed, match.detail
    assert match.score >= 0.96


@pytest.mark.parametrize("screen", ["failure", "configuration", "esp", "oobe-region"])
def test_needle_rejects_other_screens(needle, screen) -> None:
    match = match_needle(needle, _render(screen))
    assert not match.passed, match.detail
    assert match.score < 0.5, match.detail


def test_comparison_is_grey_like_openqa(needle) -> None:
    """openQA compares grey pictures: the same screen with its colours turned to their grey
    still matches (colour is the screen definitions' job, see docs/vision.md)."""
    grey = cv2.cvtColor(cv2.cvtColor(_render("success"), cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    assert match_needle(needle, grey).passed


# --- openQA's similarity scale ----------------------------------------------------------------


def _flat_needle(tmp_path: Path, level: object = 96) -> Path:
    picture = np.full((200, 300, 3), 100, dtype=np.uint8)
    cv2.putText(picture, "Needle", (40, 120), cv2.FONT_HERSHEY_SIMPLEX, 2, (200, 200, 200), 4)
    return _write_needle(
        tmp_path, "flat", picture, {"tags": ["flat"], "area": [_area(20, 60, 260, 80, match=level)]}
    )


@pytest.mark.parametrize(
    ("shift", "similarity", "passes"),
    [(0, 1.0, True), (1, 1.0, True), (4, 0.9632, True), (5, 0.9395, False), (10, 0.7421, False)],
)
def test_96_percent_is_a_small_grey_mse(
    tmp_path: Path, shift: int, similarity: float, passes: bool
) -> None:
    """openQA's scale: similarity 0.9 + (40 - MSE) / 380 on the blurred grey picture, clamped.
    A brightness shift of d grey levels is an MSE of d^2: 96 % allows d = 4, not 5."""
    needle = load_needle(_flat_needle(tmp_path))
    brighter = needle.image.astype(np.int16) + shift
    result = match_needle(needle, brighter.astype(np.uint8))
    assert result.passed is passes, result.detail
    assert result.score == pytest.approx(similarity, abs=0.002)


@pytest.mark.parametrize("level", ["100", 100, 100.0, " 100 "])
def test_level_as_number_or_string(tmp_path: Path, level: object) -> None:
    needle = load_needle(_flat_needle(tmp_path, level))
    assert needle.areas[0].level == 1.0
    assert match_needle(needle, needle.image).passed


@pytest.mark.parametrize("level", [True, False])
def test_bool_level_is_refused_naming_file_and_key(tmp_path: Path, level: bool) -> None:
    path = _flat_needle(tmp_path, level)
    with pytest.raises(ConfigError, match="not a bool") as caught:
        load_needle(path)
    assert caught.value.source == str(path)
    assert caught.value.key == "area[0].match"


def test_level_and_margin_zero_mean_openqa_defaults(tmp_path: Path) -> None:
    picture = np.full((100, 100, 3), 90, dtype=np.uint8)
    path = _write_needle(
        tmp_path,
        "zero",
        picture,
        {"tags": ["z"], "area": [_area(10, 10, 50, 50, match=0, margin=0)]},
    )
    (area,) = load_needle(path).areas
    assert (area.level, area.margin) == (0.96, 50)


# --- exclude areas ----------------------------------------------------------------------------


def test_exclude_area_is_ignored_on_both_sides(tmp_path: Path) -> None:
    picture = _render("success")
    changed = picture.copy()
    cv2.putText(changed, "12:34", (700, 300), cv2.FONT_HERSHEY_SIMPLEX, 2, (0, 0, 0), 5)
    document = {"tags": ["t"], "area": [_area(100, 200, 800, 200)]}
    plain = load_needle(_write_needle(tmp_path, "plain", picture, document))
    assert not match_needle(plain, changed).passed
    document["area"].append(
        {"xpos": 680, "ypos": 230, "width": 220, "height": 100, "type": "exclude"}
    )
    excluding = load_needle(_write_needle(tmp_path, "excluding", picture, document))
    result = match_needle(excluding, changed)
    assert result.passed, result.detail
    assert result.score > 0.99


# --- frames of another size: boxes and click points in frame pixels ---------------------------


def _button_needle(tmp_path: Path) -> Path:
    document = {
        "tags": ["button"],
        "properties": ["workaround", {"name": "bug", "value": "bsc#1234"}],
        "area": [
            _area(158, 92, 708, 58),
            _area(856, 684, 136, 52, click_point={"xpos": 68, "ypos": 26}),  # Reseal
        ],
    }
    return _write_needle(tmp_path, "button", _render("success"), document)


def test_click_point_and_properties_are_kept(tmp_path: Path) -> None:
    needle = load_needle(_button_needle(tmp_path))
    assert needle.areas[1].click_point == (68.0, 26.0)
    assert needle.has_property("workaround")
    assert needle.property_value("bug") == "bsc#1234"
    result = match_needle(needle, needle.image)
    assert result.passed
    assert result.click_point == (856 + 68, 684 + 26)
    assert result.click_target == result.click_point
    assert [item.name for item in result.properties] == ["workaround", "bug"]


def test_click_point_center_and_default(tmp_path: Path) -> None:
    document = {"tags": ["c"], "area": [_area(16, 560, 240, 60, click_point="center")]}
    centred = load_needle(_write_needle(tmp_path, "centred", _render("success"), document))
    assert match_needle(centred, centred.image).click_point == (16 + 120, 560 + 30)
    del document["area"][0]["click_point"]
    plain = load_needle(_write_needle(tmp_path, "plain", _render("success"), document))
    result = match_needle(plain, plain.image)
    assert result.click_point is None
    assert result.click_target == (16 + 120, 560 + 30)  # openQA clicks the last area's centre


@pytest.mark.parametrize("width", [960, 900, 1100])
def test_boxes_right_on_a_narrower_or_wider_picture(tmp_path: Path, width: int) -> None:
    """A 4:3 needle on a frame of another width (the sim centres its layout, as Windows does):
    the title is found where it is in that frame, and the click point follows it."""
    document = {"tags": ["t"], "area": [_area(158, 92, 708, 58, click_point="center")]}
    needle = load_needle(_write_needle(tmp_path, "title", _render("success"), document))
    frame = render_bgr(view_for("success", 10), (width, SIZE[1]))
    result = match_needle(needle, frame)
    assert result.passed, result.detail
    left = 158 - (SIZE[0] - width) // 2
    assert result.areas[0].found == (left, 92, 708, 58)
    assert result.box == (left, 92, 708, 58)
    assert result.click_point == (left + 354, 92 + 29)


def test_boxes_right_on_a_picture_cut_at_the_sides(tmp_path: Path) -> None:
    needle = load_needle(_button_needle(tmp_path))
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
    needle = load_needle(_button_needle(tmp_path))
    framed = cv2.copyMakeBorder(needle.image, 40, 60, 120, 80, cv2.BORDER_CONSTANT, value=0)
    result = match_needle(needle, framed)
    assert result.passed, result.detail
    assert result.areas[0].found == (158 + 120, 92 + 40, 708, 58)
    assert result.click_point == (856 + 120 + 68, 684 + 40 + 26)


def test_boxes_scale_on_a_smaller_frame(tmp_path: Path) -> None:
    needle = load_needle(_button_needle(tmp_path))
    small = cv2.resize(needle.image, (512, 384), interpolation=cv2.INTER_AREA)
    title = match_needle(needle, small).areas[0]
    assert abs(title.found[0] - 79) <= 2 and abs(title.found[1] - 46) <= 2
    assert abs(title.found[2] - 354) <= 2 and abs(title.found[3] - 29) <= 2


def test_needle_with_dark_edges_matches_its_own_png(tmp_path: Path) -> None:
    picture = cv2.copyMakeBorder(_render("success"), 0, 0, 128, 128, cv2.BORDER_CONSTANT, value=0)
    document = {"tags": ["d"], "area": [_area(128 + 158, 92, 708, 58), _area(0, 0, 1280, 768)]}
    needle = load_needle(_write_needle(tmp_path, "dark", picture, document))
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
    screens = {name: _render(name, windows) for name in _FLOW_SCREENS}
    captured = {name: _render(name, windows, "jpeg50") for name in _FLOW_SCREENS}
    wrong = []
    for name, picture in screens.items():
        document = {"tags": [name], "area": [_area(64, 64, 896, 640, match=80)]}
        needle = load_needle(_write_needle(tmp_path, name, picture, document))
        for other, frame in captured.items():
            result = match_needle(needle, frame)
            if result.passed != (other == name):
                wrong.append(f"{name} on {other}: {result.score:.3f}")
    assert not wrong


def test_80_percent_needle_rejects_synthetic_screens(tmp_path: Path) -> None:
    needle = load_needle(
        _write_needle(
            tmp_path,
            "success",
            _render("success"),
            {"tags": ["s"], "area": [_area(64, 64, 896, 640, match=80)]},
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


# --- folders ----------------------------------------------------------------------------------


def test_subfolders_are_searched_and_tags_listed(tmp_path: Path) -> None:
    picture = _render("success")
    _write_needle(
        tmp_path / "win10" / "oobe",
        "deep",
        picture,
        {"tags": ["deep", "x"], "area": [_area(0, 0, 100, 100)]},
    )
    _write_needle(tmp_path, "top", picture, {"tags": ["top"], "area": [_area(0, 0, 100, 100)]})
    needles = NeedleSet.load(tmp_path)
    assert sorted(needle.name for needle in needles.needles) == ["deep", "top"]
    assert needles.tags() == ("deep", "top", "x")
    assert [needle.name for needle in needles.with_tags(("x",))] == ["deep"]


def test_one_bad_needle_is_skipped_with_a_warning(tmp_path: Path, caplog) -> None:
    picture = _render("success")
    _write_needle(tmp_path, "good", picture, {"tags": ["good"], "area": [_area(0, 0, 100, 100)]})
    bad = _write_needle(
        tmp_path / "sub",
        "bad",
        picture,
        {"tags": ["bad"], "area": [_area(0, 0, 100, 100, match=True)]},
    )
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="harness.vision.needle_set"):
        needles = NeedleSet.load(tmp_path)
    assert [needle.name for needle in needles.needles] == ["good"]
    assert {problem.source for problem in needles.skipped} == {
        str(bad),
        str(tmp_path / "broken.json"),
    }
    assert str(bad) in caplog.text and "area[0].match" in caplog.text
    assert "broken.json" in caplog.text


def test_best_match_ranks_like_openqa_and_keeps_the_old_argument_order(tmp_path: Path) -> None:
    success, failure = _render("success"), _render("failure")
    area = [_area(158, 92, 708, 58)]
    _write_needle(tmp_path, "a-success", success, {"tags": ["end"], "area": area})
    _write_needle(tmp_path, "b-failure", failure, {"tags": ["end"], "area": area})
    _write_needle(
        tmp_path,
        "c-workaround",
        success,
        {"tags": ["end"], "area": area, "properties": ["workaround"]},
    )
    needles = NeedleSet.load(tmp_path)
    best = needles.best_match(success, ("end",))
    assert best is not None and best.passed
    assert best.name == "c-workaround"  # equal error: openQA prefers the workaround needle
    assert needles.best_match(failure, tags=("end",), area=(0, 0, *SIZE)).name == "b-failure"
    old = needles.best_match(success, (0, 0, *SIZE), ("end",))
    assert old is not None and old.name == "c-workaround"
    assert needles.best_match(success, ("nothing",)) is None


# --- file errors ------------------------------------------------------------------------------


def _broken_copy(tmp_path: Path, change) -> Path:
    shutil.copy(NEEDLES / "w10-success.png", tmp_path / "n.png")
    document = json.loads((NEEDLES / "w10-success.json").read_text())
    change(document)
    (tmp_path / "n.json").write_text(json.dumps(document))
    return tmp_path / "n.json"


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (lambda d: d.update(tags=[]), "tags", "at least one tag"),
        (
            lambda d: d["area"][0].update(type="blink"),
            "area[0].type",
            "'match', 'ocr' or 'exclude'",
        ),
        (lambda d: d["area"][0].update(width=5000), "area[0]", "outside"),
        (lambda d: d["area"][1].update(match=150), "area[1].match", "less than or equal to 100"),
        (lambda d: d["area"][1].update(match="lots"), "area[1].match", "must be a number"),
        (lambda d: d.update(area=[d["area"][2]]), "area", "at least one `match` area"),
        (lambda d: d["area"][0].update(click_point="centre"), "area[0].click_point", "center"),
        (
            lambda d: [a.update(click_point="center") for a in d["area"][:2]],
            "area",
            "more than one area has a click_point",
        ),
        (lambda d: d.update(tagz=["x"]), "tagz", "unknown key"),
    ],
)
def test_broken_needles_name_the_key(tmp_path: Path, change, key: str, message: str) -> None:
    path = _broken_copy(tmp_path, change)
    with pytest.raises(ConfigError, match=message) as caught:
        load_needle(path)
    assert caught.value.key == key
    assert caught.value.source == str(path)


def test_needle_without_png(tmp_path: Path) -> None:
    shutil.copy(NEEDLES / "w10-success.json", tmp_path / "lonely.json")
    with pytest.raises(ConfigError, match="PNG is missing"):
        load_needle(tmp_path / "lonely.json")


# --- harness needle match ---------------------------------------------------------------------


def test_cli_match_no_match_and_bad_input(tmp_path: Path, capsys) -> None:
    path = _button_needle(tmp_path)
    cv2.imwrite(str(tmp_path / "same.png"), _render("success", artefacts="jpeg50"))
    cv2.imwrite(str(tmp_path / "other.png"), _render("esp"))
    assert main(["needle", "match", str(path), str(tmp_path / "same.png"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["passed"] is True and report["level"] == 0.96
    assert report["score"] >= 0.96 and report["box"] == [158, 92, 834, 644]
    assert report["click_point"] == [924, 710]
    assert [p["name"] for p in report["properties"]] == ["workaround", "bug"]
    assert len(report["areas"]) == 2

    assert main(["needle", "match", str(path), str(tmp_path / "other.png")]) == 1
    text = capsys.readouterr().out
    assert "no match" in text and "similarity" in text

    assert main(["needle", "match", str(path), str(tmp_path / "missing.png")]) == 3
    assert "missing.png" in capsys.readouterr().err
    bad = _broken_copy(tmp_path, lambda d: d["area"][0].update(match=True))
    assert main(["needle", "match", str(bad), str(tmp_path / "same.png")]) == 3
    error = capsys.readouterr().err
    assert "area[0].match" in error and str(bad) in error and "Traceback" not in error


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
