"""openQA-format needles: the shipped example, openQA's similarity scale, levels as numbers or
strings, file errors naming the key, folders (sub-folders, a bad needle skipped), ranking, and
the ``harness needle match`` command."""

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
from harness.vision.needles import NeedleSet, load_needle, match_needle
from tests.needle_helpers import (
    NEEDLES,
    SIZE,
    button_needle,
    match_area,
    render_screen,
    write_needle,
)


@pytest.fixture(scope="module")
def needle():
    (found,) = NeedleSet.load(NEEDLES).with_tags(("w10-success",))
    return found


# --- the shipped example needle ---------------------------------------------------------------


def test_example_needle_has_openqa_defaults(needle) -> None:
    assert [area.kind for area in needle.areas] == ["match", "match", "exclude"]
    assert needle.areas[0].level == 0.96
    assert needle.areas[0].margin == 50


@pytest.mark.parametrize("artefacts", [None, "jpeg50", "noisy", "cursor"])
def test_needle_matches_its_screen_through_capture_artefacts(needle, artefacts) -> None:
    match = match_needle(needle, render_screen("success", artefacts=artefacts))
    assert match.passed, match.detail
    assert match.score >= 0.96


@pytest.mark.parametrize("screen", ["failure", "configuration", "esp", "oobe-region"])
def test_needle_rejects_other_screens(needle, screen) -> None:
    match = match_needle(needle, render_screen(screen))
    assert not match.passed, match.detail
    assert match.score < 0.5, match.detail


def test_comparison_is_grey_like_openqa(needle) -> None:
    """openQA compares grey pictures: the same screen with its colours turned to their grey
    still matches (colour is the screen definitions' job, see docs/vision.md)."""
    grey = cv2.cvtColor(
        cv2.cvtColor(render_screen("success"), cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR
    )
    assert match_needle(needle, grey).passed


# --- openQA's similarity scale ----------------------------------------------------------------


def _flat_needle(tmp_path: Path, level: object = 96) -> Path:
    picture = np.full((200, 300, 3), 100, dtype=np.uint8)
    cv2.putText(picture, "Needle", (40, 120), cv2.FONT_HERSHEY_SIMPLEX, 2, (200, 200, 200), 4)
    return write_needle(
        tmp_path,
        "flat",
        picture,
        {"tags": ["flat"], "area": [match_area(20, 60, 260, 80, match=level)]},
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
    path = write_needle(
        tmp_path,
        "zero",
        picture,
        {"tags": ["z"], "area": [match_area(10, 10, 50, 50, match=0, margin=0)]},
    )
    (area,) = load_needle(path).areas
    assert (area.level, area.margin) == (0.96, 50)


# --- folders ----------------------------------------------------------------------------------


def test_subfolders_are_searched_and_tags_listed(tmp_path: Path) -> None:
    picture = render_screen("success")
    write_needle(
        tmp_path / "win10" / "oobe",
        "deep",
        picture,
        {"tags": ["deep", "x"], "area": [match_area(0, 0, 100, 100)]},
    )
    write_needle(tmp_path, "top", picture, {"tags": ["top"], "area": [match_area(0, 0, 100, 100)]})
    needles = NeedleSet.load(tmp_path)
    assert sorted(needle.name for needle in needles.needles) == ["deep", "top"]
    assert needles.tags() == ("deep", "top", "x")
    assert [needle.name for needle in needles.with_tags(("x",))] == ["deep"]


def test_one_bad_needle_is_skipped_with_a_warning(tmp_path: Path, caplog) -> None:
    picture = render_screen("success")
    write_needle(
        tmp_path, "good", picture, {"tags": ["good"], "area": [match_area(0, 0, 100, 100)]}
    )
    bad = write_needle(
        tmp_path / "sub",
        "bad",
        picture,
        {"tags": ["bad"], "area": [match_area(0, 0, 100, 100, match=True)]},
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
    success, failure = render_screen("success"), render_screen("failure")
    area = [match_area(158, 92, 708, 58)]
    write_needle(tmp_path, "a-success", success, {"tags": ["end"], "area": area})
    write_needle(tmp_path, "b-failure", failure, {"tags": ["end"], "area": area})
    write_needle(
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
    path = button_needle(tmp_path)
    cv2.imwrite(str(tmp_path / "same.png"), render_screen("success", artefacts="jpeg50"))
    cv2.imwrite(str(tmp_path / "other.png"), render_screen("esp"))
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
