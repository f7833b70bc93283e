"""The public API the flow uses: Vision.classify / observe never raise for an image (a strange
one is unknown) but do raise VisionError when vision itself fails, construction raises
ConfigError for bad definitions and VisionError for a missing engine, counters count, and
``harness inspect`` prints what vision sees."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from harness.cli.main import main
from harness.errors import ConfigError, RigError, VisionError
from harness.sim.model.samples import view_for
from harness.sim.render.bgr import render_bgr
from harness.vision import Observation, ScreenState, Vision
from harness.vision.ocr_engine import Recognised, engine_by_name
from harness.vision.ocr_tesseract import TesseractEngine


@pytest.fixture(scope="module")
def vision() -> Vision:
    return Vision()


@pytest.mark.parametrize(
    "image",
    [
        None,
        "not an image",
        np.zeros((0, 0, 3), np.uint8),
        np.zeros((4, 4, 3), np.uint8),
        np.zeros((200, 300, 5), np.uint8),
        np.random.default_rng(1).integers(0, 255, (480, 640, 3), dtype=np.uint8),
        np.random.default_rng(2).random((480, 640, 3)) * 255,  # float64
        np.full((480, 640), 200, np.uint8),  # grey, one channel
        np.zeros((480, 640, 4), np.uint8),  # BGRA
    ],
    ids=["none", "str", "empty", "tiny", "5ch", "noise", "float", "gray", "bgra"],
)
def test_strange_images_never_raise(vision: Vision, image) -> None:
    for call in (vision.classify, vision.observe):
        observation = call(image)
        assert isinstance(observation, Observation)
        assert observation.state in (ScreenState.UNKNOWN, ScreenState.BLACK)


def test_observe_reads_the_configuration_screen(vision: Vision) -> None:
    view = view_for("configuration", 10)
    observation = vision.observe(render_bgr(view, (1366, 768)))
    assert observation.state is ScreenState.CONFIGURATION
    assert observation.windows == 10
    assert observation.fields.organization == view.data["organization"]
    assert observation.fields.profile == view.data["profile"]
    assert observation.qr is not None and observation.qr.ztd_id
    labels = [button.label for button in observation.fields.buttons]
    assert labels == ["Refresh", "Provision"]
    provision = observation.fields.buttons[1]
    x, y = provision.centre
    assert x > 1366 * 0.7 and y > 768 * 0.8  # bottom right, in frame pixels
    assert set(observation.to_dict()) >= {"state", "confidence", "fields", "qr", "evidence"}


def test_failed_esp_carries_code_and_category(vision: Vision) -> None:
    view = view_for("esp", 11, "tpm-attestation-failure")
    observation = vision.observe(render_bgr(view, (1920, 1080)))
    assert observation.state is ScreenState.ESP
    assert observation.fields.error_codes == ("0x800705b4",)
    assert observation.fields.category is not None
    assert observation.fields.category.value == "tpm-attestation"
    assert observation.fields.esp_phases[0].steps[0].error_code == "0x800705b4"


def test_windows_filter_only_loads_that_version() -> None:
    only_11 = Vision(windows=11)
    image = render_bgr(view_for("esp", 10), (1024, 768))
    assert only_11.classify(image).state is ScreenState.UNKNOWN
    assert Vision(windows=10).classify(image).state is ScreenState.ESP


def test_bad_definitions_raise_config_error_at_construction(tmp_path: Path) -> None:
    (tmp_path / "win10").mkdir()
    (tmp_path / "win10" / "en-US.yaml").write_text("windows: 10\nlanguage: en-US\nscreens: {}\n")
    with pytest.raises(ConfigError, match="screens"):
        Vision(tmp_path, windows=10)


def test_inspect_prints_json(tmp_path: Path, capsys) -> None:
    path = tmp_path / "success.png"
    cv2.imwrite(str(path), render_bgr(view_for("success", 10), (1024, 768)))
    assert main(["inspect", "--json", "--windows", "10", str(path)]) == 0
    (result,) = json.loads(capsys.readouterr().out)
    assert result["state"] == "success"
    assert result["fields"]["organization"] == "Contoso"
    assert result["qr"]["ztd_id"]
    assert {"state", "confidence", "fields", "qr", "evidence"} <= set(result)


def test_inspect_prints_text(tmp_path: Path, capsys) -> None:
    path = tmp_path / "failure.png"
    cv2.imwrite(str(path), render_bgr(view_for("failure", 10), (1024, 768)))
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}: failure" in out
    assert "organization: Contoso" in out


def test_inspect_names_an_unreadable_image(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png")
    assert main(["inspect", str(broken)]) == 3
    assert str(broken) in capsys.readouterr().err


class _CrashingEngine:
    """An engine whose recognition breaks (a crashed OCR library): vision must not call the
    frame unknown."""

    name = "crashing"

    def recognise(self, line_gray: np.ndarray) -> Recognised:
        raise RuntimeError("engine crashed")

    def detect(self, image_bgr: np.ndarray) -> list[tuple[int, int, int, int]]:
        raise NotImplementedError


def test_an_engine_failure_is_a_vision_error_not_unknown() -> None:
    vision = Vision(ocr_engine=_CrashingEngine())
    image = render_bgr(view_for("esp", 10), (1024, 768))
    with pytest.raises(VisionError, match="engine crashed"):
        vision.classify(image)
    # A strange image is still just unknown, engine or not.
    assert vision.classify(np.zeros((8, 8, 3), np.uint8)).state is ScreenState.UNKNOWN


def test_engines_by_name_and_missing_parts_named() -> None:
    assert engine_by_name("tesseract").name == "tesseract"
    with pytest.raises(ConfigError, match="unknown OCR engine 'nope'"):
        Vision(ocr_engine="nope")
    with pytest.raises(VisionError, match=r"tessdata xx\.traineddata not found.*tesseract-ocr-xx"):
        TesseractEngine(language="xx")
    assert issubclass(VisionError, RigError)


def test_counters_count_frames_ocr_calls_and_cpu(vision: Vision) -> None:
    before = vision.stats
    image = render_bgr(view_for("configuration", 10), (1366, 768))
    vision.classify(image)
    vision.observe(image)  # the same frame: its classification is reused
    after = vision.stats
    assert after.frames_classified == before.frames_classified + 2
    assert after.frames_observed == before.frames_observed + 1
    assert after.ocr_calls > before.ocr_calls
    assert after.cpu_s > before.cpu_s
    assert set(after.to_dict()) == {"frames_classified", "frames_observed", "ocr_calls", "cpu_s"}


def test_evidence_says_which_text_was_found_where(vision: Vision) -> None:
    image = render_bgr(view_for("esp", 11), (1920, 1080))
    observation = vision.classify(image)
    title = next(item for item in observation.evidence if item.rule.endswith(":title"))
    assert "Setting up your device for work" in title.detail
    x, y, w, h = title.box
    assert 0 <= x < 1920 and 0 <= y < 1080 and w > 200 and h > 10
