"""What classification reads, and at which size: a glance (``GLANCE_PX``, narrower) for titles,
tiles and labels; full reads (``LINE_PX``) for the fields a report shows. Structure that needs no
OCR (a QR code's finder patterns) is used before any line is read."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from harness.sim.model.samples import view_for
from harness.sim.render.artefacts import preset
from harness.sim.render.bgr import render_bgr
from harness.vision import Vision
from harness.vision import vision as vision_module
from harness.vision.blank import dark_share
from harness.vision.fuzzy import ratio
from harness.vision.ocr import GLANCE_PX, LINE_PX
from harness.vision.ocr_engine import Box, Recognised
from harness.vision.ocr_tesseract import TesseractEngine

SIZE = (1920, 1080)


class RecordingEngine:
    """Tesseract, recording the height of every crop it is asked to read and what it read."""

    name = "recording-tesseract"

    def __init__(self) -> None:
        self._engine = TesseractEngine()
        self.reads: list[tuple[int, str]] = []

    def recognise(self, line_gray: np.ndarray) -> Recognised:
        found = self._engine.recognise(line_gray)
        self.reads.append((line_gray.shape[0], found.text))
        return found

    def detect(self, image_bgr: np.ndarray) -> list[Box]:
        raise NotImplementedError

    def close(self) -> None:
        self._engine.close()


@pytest.fixture
def recording() -> Iterator[RecordingEngine]:
    engine = RecordingEngine()
    yield engine
    engine.close()


def frame(screen: str, windows: int) -> np.ndarray:
    return render_bgr(view_for(screen, windows), SIZE, preset("hdmi-grabber"), seed=windows)


def vision_with(engine: RecordingEngine) -> Vision:
    return Vision(ocr_engine=engine, second_opinion=None)


def near(height: int, line_px: int) -> bool:
    """A crop scaled to ``line_px`` (line_crop rounds to the pixel)."""
    return abs(height - line_px) <= 1


@pytest.mark.parametrize("windows", [10, 11])
@pytest.mark.parametrize("screen", ["success", "failure", "esp", "options"])
def test_classification_only_glances_and_observe_reads_fields_fully(
    recording: RecordingEngine, screen: str, windows: int
) -> None:
    vision = vision_with(recording)
    image = frame(screen, windows)
    observation = vision.classify(image)
    assert observation.state.value == screen
    assert recording.reads, "classification read nothing"
    assert all(near(height, GLANCE_PX) for height, _ in recording.reads), recording.reads
    glanced = len(recording.reads)
    vision.observe(image)
    fields = recording.reads[glanced:]
    assert any(near(height, LINE_PX) for height, _ in fields), fields


@pytest.mark.parametrize("windows", [10, 11])
def test_a_result_screens_labels_are_read_but_not_their_values(
    recording: RecordingEngine, windows: int
) -> None:
    observation = vision_with(recording).classify(frame("success", windows))
    rules = {item.rule for item in observation.evidence}
    assert {"needs:label:organization", "needs:label:profile"} <= rules, rules
    read = [text for _, text in recording.reads]
    organization = view_for("success", windows).data["organization"]
    assert organization not in read, read  # the value right of (or under) its label
    assert len(read) <= 3, read  # title, two labels


def test_a_configuration_screens_qr_code_stands_for_its_labels(
    recording: RecordingEngine,
) -> None:
    observation = vision_with(recording).classify(frame("configuration", 10))
    assert observation.state.value == "configuration"
    rules = {item.rule for item in observation.evidence}
    assert "needs:qr" in rules and not any(rule.startswith("needs:label") for rule in rules)
    assert len(recording.reads) == 1, recording.reads  # the title alone


def test_an_oobe_pages_heading_is_reported_as_read_fully(recording: RecordingEngine) -> None:
    vision = vision_with(recording)
    image = frame("oobe-region", 10)
    vision.classify(image)
    glanced = len(recording.reads)
    observation = vision.observe(image)
    assert observation.state.value == "oobe"
    assert observation.fields.title is not None
    assert "region" in observation.fields.title.lower()
    assert any(near(height, LINE_PX) for height, _ in recording.reads[glanced:])


def test_a_black_screen_in_viewer_chrome_is_black() -> None:
    image = np.zeros((720, 1280, 3), np.uint8)
    image[:40] = 225  # a light title bar
    image[:, :4] = image[:, -4:] = image[-4:] = 200  # a thin border
    image[12:28, 20:300] = 40  # the window's name
    assert Vision(second_opinion=None).classify(image).state.value == "black"


def test_a_bright_frame_is_not_searched_for_a_dark_screen_in_chrome(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def must_not_run(_image: np.ndarray) -> None:
        raise AssertionError("dark_inside_chrome ran on a bright frame")

    monkeypatch.setattr(vision_module, "dark_inside_chrome", must_not_run)
    assert Vision(second_opinion=None).classify(frame("esp", 10)).state.value == "esp"


def test_dark_share_counts_pixels_dark_in_every_channel() -> None:
    thumb = np.full((10, 10, 3), 20, np.int16)
    thumb[:5] = (20, 20, 200)  # red is not dark
    assert dark_share(thumb) == pytest.approx(0.5)


def test_ratio_is_zero_for_a_score_that_cannot_beat() -> None:
    assert ratio("", "") == 1.0
    assert ratio("organization:", "organizaton:") == pytest.approx(0.96)
    assert ratio("abc", "abd", beat=0.9) == 0.0
    assert ratio("abc", "abc", beat=0.9) == 1.0
    assert ratio("abcd", "abce", beat=0.75) == 0.0  # equal to beat: no better
