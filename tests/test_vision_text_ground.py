"""The levels a text stroke must differ from (``harness.vision.text_ground``), on a dense block
of dark text: a Windows 11 ESP on its light card, as a cropped, annotated JPEG screenshot."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from harness.sim.render.corpus import random_frame
from harness.vision import Vision, text_lines
from harness.vision.text_ground import _background, stroke_grounds
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
