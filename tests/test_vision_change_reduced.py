"""Change detection on a JPEG stream's 1/8 preview (``ChangeDetector.compare_reduced``): the
watcher compares frames of an MJPEG stream without decoding them at full resolution, so the
smallest change the flow reads must still show at 1/8 - one digit of an ESP substep status
("Apps 4 of 8 installed" -> "5 of 8") - while the progress dots stay animation."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from harness.targets.jpeg_frame import JpegFrame, decode_jpeg, jpeg_size, preview_of
from harness.vision.change import SETTLE_FRAMES, Change, ChangeDetector
from tests.vision_change_frames import HD, Dots, _rendered, screen_image

APPS_STATUS = ["phases", 1, "substeps", 3, "status"]


def grabbed(image: np.ndarray, rng: np.random.Generator) -> bytes:
    """What a grabber's MJPEG stream carries: sensor noise, then JPEG (quality 50-90)."""
    noise = rng.normal(0, rng.uniform(2, 8), image.shape)
    noisy = np.clip(image + noise, 0, 255).astype(np.uint8)
    quality = int(rng.choice([50, 70, 90]))
    return cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, quality])[1].tobytes()


def reduced_answers(parts: list[bytes]) -> list[Change]:
    detector = ChangeDetector()
    answers = []
    for data in parts:
        preview = preview_of(data)
        answers.append(detector.compare_reduced(preview.image, preview.scale, preview.frame_shape))
    return answers


def esp(size: tuple[int, int], apps: str = "4 of 8 installed") -> np.ndarray:
    edits = json.dumps([[APPS_STATUS, apps]])
    return _rendered("esp", 10, size, edits).copy()


@pytest.mark.parametrize("seed", range(2))
def test_one_changed_digit_of_a_substep_is_seen_at_one_eighth(seed: int) -> None:
    rng = np.random.default_rng(seed)
    before, after = esp(HD), esp(HD, "5 of 8 installed")
    # Not in the stream's first frames: a small change there waits for the next CHANGED
    # (the detector's first reference has no frame before it, harness.vision.change).
    parts = [grabbed(before, rng) for _ in range(SETTLE_FRAMES + 3)]
    parts += [grabbed(after, rng) for _ in range(SETTLE_FRAMES + 2)]
    answers = reduced_answers(parts)
    assert answers[0] is Change.CHANGED
    assert set(answers[1 : SETTLE_FRAMES + 3]) <= {Change.IDENTICAL, Change.ANIMATED}
    assert Change.CHANGED in answers[SETTLE_FRAMES + 3 :], answers


@pytest.mark.parametrize("seed", range(3))
def test_moving_progress_dots_stay_animation_at_one_eighth(seed: int) -> None:
    rng = np.random.default_rng(seed)
    still = screen_image("esp", 10, HD)
    dots = Dots.under_status(10, HD)
    parts = []
    for index in range(40):
        image = still.copy()
        dots.draw(image, (index % 10) / 10)
        parts.append(grabbed(image, rng))
    answers = reduced_answers(parts)
    assert Change.CHANGED not in answers[1:], answers
    assert Change.ANIMATED in answers  # a sign of life: the frozen-capture rule needs it


def test_recaptures_of_one_screen_are_identical_and_red_after_green_changes() -> None:
    rng = np.random.default_rng(7)
    success = screen_image("success", 10, HD)
    failure = screen_image("failure", 10, HD)
    answers = reduced_answers([grabbed(success, rng) for _ in range(5)] + [grabbed(failure, rng)])
    assert answers[1:5] == [Change.IDENTICAL] * 4
    assert answers[5] is Change.CHANGED


def test_the_preview_signature_matches_the_full_pictures() -> None:
    """The 1/8 DCT decode is the mean of each 8 x 8 block: the same cells the detector makes
    from the full picture, which samples every other row - so cells on text edges differ (up to
    25 levels here), the rest agree within capture noise."""
    from harness.vision.signature import SignatureMaker

    data = grabbed(esp(HD), np.random.default_rng(3))
    preview = preview_of(data)
    make = SignatureMaker()
    full = make(decode_jpeg(data))
    reduced = make.of_reduced(preview.image, preview.scale, preview.frame_shape)
    assert reduced.grey.shape == full.grey.shape == (135, 240)
    assert reduced.frame_shape == full.frame_shape == (1080, 1920, 3)
    difference = cv2.absdiff(reduced.grey, full.grey)
    assert float(difference.mean()) <= 2.0
    assert float(np.percentile(difference, 95)) <= 6.0


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768), (1023, 767), (800, 600)])
def test_jpeg_size_reads_the_header_and_previews_round_partial_blocks(
    size: tuple[int, int],
) -> None:
    image = np.full((size[1], size[0], 3), 90, np.uint8)
    data = cv2.imencode(".jpg", image)[1].tobytes()
    assert jpeg_size(data) == size
    preview = preview_of(data)
    assert preview.frame_shape == (size[1], size[0], 3)
    detector = ChangeDetector()
    assert detector.compare_reduced(preview.image, 8, preview.frame_shape) is Change.CHANGED
    assert detector.compare(decode_jpeg(data)) is Change.IDENTICAL  # full and preview agree


def test_a_jpeg_frame_decodes_its_full_picture_only_when_read() -> None:
    data = grabbed(esp((1024, 768)), np.random.default_rng(0))
    frame = JpegFrame(data, timestamp=1.0, source="test")
    assert not frame.decoded
    assert (frame.width, frame.height) == (1024, 768)
    assert frame.preview is not None and frame.preview.image.shape == (96, 128, 3)
    assert not frame.decoded
    assert frame.image.shape == (768, 1024, 3)
    assert frame.decoded and frame.image is frame.image
