"""The levels a text stroke must differ from (``harness.vision.text_ground``), on a dense block
of dark text: a Windows 11 ESP on its light card, as a cropped, annotated JPEG screenshot."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from harness.sim.render.corpus import random_frame
from harness.vision import Vision, text_lines
from harness.vision.text_ground import _background, _eighth, stroke_grounds
from harness.vision.text_lines import detect_lines

DENSE_DARK_ESP = 100013
"""Corpus frame: a Windows 11 ESP, every text dark, phases and steps close together."""


def test_the_bands_between_close_dark_lines_are_no_light_text() -> None:
    frame = random_frame(DENSE_DARK_ESP)
    assert frame.expected["state"] == "esp" and frame.view.windows == 11
    assert [line.box for line in detect_lines(frame.image) if line.polarity == "light"] == []


def test_one_averaged_level_lets_those_bands_through(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the second level is for: with the averaged level alone, the same frame has light
    "lines" between its dark ones (the test above would fail)."""

    def averaged_only(grey: np.ndarray) -> dict[str, np.ndarray]:
        level = _background(grey)
        return {"light": level, "dark": level}

    monkeypatch.setattr(text_lines, "stroke_grounds", averaged_only)
    frame = random_frame(DENSE_DARK_ESP)
    light = [line for line in detect_lines(frame.image) if line.polarity == "light"]
    assert light, "the averaged level alone no longer lets a band through: revisit text_ground"


def test_the_esp_statuses_of_that_block_are_read() -> None:
    frame = random_frame(DENSE_DARK_ESP)
    phases = {phase.name: phase.status for phase in Vision().observe(frame.image).fields.esp_phases}
    assert phases.get("Device preparation") == frame.expected["esp_phases"]["Device preparation"]


def test_light_strokes_stand_above_both_levels_and_dark_below_both() -> None:
    grey = cv2.GaussianBlur(
        np.random.default_rng(3).integers(0, 256, (120, 200), np.uint8), (0, 0), 4
    )
    levels = stroke_grounds(grey)
    assert levels["light"].shape == levels["dark"].shape == grey.shape
    assert np.all(levels["light"] >= levels["dark"])
    assert np.all(levels["light"] >= _background(grey))
    assert np.all(levels["dark"] <= _background(grey))


@pytest.mark.parametrize("seed", range(6))
def test_the_eighth_is_opencvs_area_reduction(seed: int) -> None:
    """``_eighth`` reads area averages from the integral image: the cells must be INTER_AREA's
    own (OpenCV sums in float32: a cell near a half level may be one level apart)."""
    rng = np.random.default_rng(seed)
    for _ in range(20):
        height = int(rng.integers(1, 700))
        width = int(rng.integers(1, 125)) * 8 if rng.random() < 0.7 else int(rng.integers(1, 1000))
        noise = rng.integers(0, 256, (height, width), dtype=np.uint8)
        grey = cv2.GaussianBlur(noise, (9, 9), 0)
        size = (max(1, width // 8), max(1, height // 8))
        expected = cv2.resize(grey, size, interpolation=cv2.INTER_AREA).astype(int)
        assert np.abs(_eighth(grey).astype(int) - expected).max() <= 1, (height, width)


@pytest.mark.parametrize("size", [(960, 540), (947, 532), (862, 540)])
def test_the_eighth_of_a_rendered_screen_is_its_area_reduction(size: tuple[int, int]) -> None:
    frame = random_frame(DENSE_DARK_ESP)
    small = cv2.resize(frame.image, size, interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    expected = cv2.resize(grey, (size[0] // 8, size[1] // 8), interpolation=cv2.INTER_AREA)
    apart = np.abs(_eighth(grey).astype(int) - expected.astype(int))
    assert apart.max() <= 1 and np.count_nonzero(apart) <= 0.005 * apart.size
