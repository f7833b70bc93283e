"""openQA-format needles: the shipped example loads and matches its own screen, a red screen of
the same layout does not match it, and a broken needle names the file and the key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.sim.model.samples import view_for
from harness.sim.render.artefacts import preset
from harness.sim.render.bgr import render_bgr
from harness.vision.definitions import default_screens_dir
from harness.vision.needles import NeedleSet, load_needle, match_needle
from harness.vision.picture_area import find_picture_area

NEEDLES = default_screens_dir() / "needles"


@pytest.fixture(scope="module")
def needle():
    (found,) = NeedleSet.load(NEEDLES).with_tags(("w10-success",))
    return found


def _match(needle, screen: str, artefacts: str | None = None):
    image = render_bgr(view_for(screen, 10), (1024, 768), preset(artefacts) if artefacts else None)
    return match_needle(needle, image, find_picture_area(image))


def test_example_needle_has_openqa_defaults(needle) -> None:
    kinds = [area.kind for area in needle.areas]
    assert kinds == ["match", "match", "exclude"]
    assert needle.areas[0].level == 0.96
    assert needle.areas[0].margin == 50


@pytest.mark.parametrize("artefacts", [None, "jpeg50", "noisy", "cursor"])
def test_needle_matches_its_screen_through_capture_artefacts(needle, artefacts) -> None:
    match = _match(needle, "success", artefacts)
    assert match.passed, match.detail
    assert match.score >= 0.96


def test_needle_is_not_colour_blind(needle) -> None:
    match = _match(needle, "failure")  # the same layout on red
    assert not match.passed
    assert match.score < 0.8, match.detail


def test_needle_rejects_another_screen(needle) -> None:
    assert not _match(needle, "configuration").passed


def _broken_copy(tmp_path: Path, change) -> Path:
    shutil.copy(NEEDLES / "w10-success.png", tmp_path / "n.png")
    document = json.loads((NEEDLES / "w10-success.json").read_text())
    change(document)
    (tmp_path / "n.json").write_text(json.dumps(document))
    return tmp_path / "n.json"


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (lambda d: d.update(tags=[]), "tags", "non-empty list"),
        (lambda d: d["area"][0].update(type="blink"), "area[0].type", "expected one of"),
        (lambda d: d["area"][0].update(width=5000), "area[0]", "outside"),
        (lambda d: d["area"][1].update(match=150), "area[1].match", "percentage"),
        (lambda d: d.update(area=[d["area"][2]]), "area", "at least one `match` area"),
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
