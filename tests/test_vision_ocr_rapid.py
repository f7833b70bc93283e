"""RapidOcrEngine reads rendered lines, returns nothing for blank crops, finds the lines of a page.

Lines are drawn with Pillow in Open Sans (the simulator's stand-in for Segoe UI) or DejaVu Sans,
dark on light and light on dark, at the sizes of a 1080p Windows screen. Without
rapidocr-onnxruntime the tests skip outside CI and fail in CI (CI=true or HARNESS_REQUIRE_E2E=1).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from harness.vision.fuzzy import normalise
from harness.vision.ocr_engine import OcrEngine

FONT_FILES = (
    "/usr/share/fonts/truetype/open-sans/OpenSans-Regular.ttf",
    "/usr/share/fonts/opentype/open-sans/OpenSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)

LINES = (
    "Windows Autopilot Configuration",
    "Organization: Contoso",
    "Provision",
    "Working on it...",
    "Failed: 0x800705b4",
)


def _required() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("HARNESS_REQUIRE_E2E") == "1"


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    try:
        from harness.vision.ocr_rapid import RapidOcrEngine

        return RapidOcrEngine(threads=1)
    except ImportError as problem:
        if _required():
            pytest.fail(f"rapidocr-onnxruntime must be installed in CI: {problem}")
        pytest.skip(f"rapidocr-onnxruntime is not installed: {problem}")


def _font(size: int) -> ImageFont.FreeTypeFont:
    for path in FONT_FILES:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    pytest.fail(f"no font found (Debian fonts-open-sans or fonts-dejavu-core): {FONT_FILES}")


def _line(text: str, size: int, ink: int, paper: int) -> np.ndarray:
    face = _font(size)
    left, top, right, bottom = face.getbbox(text)
    margin = size // 3
    image = Image.new("L", (right - left + 2 * margin, bottom - top + 2 * margin), paper)
    ImageDraw.Draw(image).text((margin - left, margin - top), text, font=face, fill=ink)
    return np.asarray(image)


def _spaceless(text: str) -> str:
    return normalise(text).replace(" ", "")


def test_is_an_ocr_engine(engine: OcrEngine) -> None:
    assert isinstance(engine, OcrEngine)
    assert engine.name == "rapidocr"


@pytest.mark.parametrize("text", LINES)
@pytest.mark.parametrize(("ink", "paper"), [(20, 245), (255, 0)], ids=["dark-on-light", "light"])
@pytest.mark.parametrize("size", [20, 40])
def test_reads_a_rendered_line(engine: OcrEngine, text: str, ink: int, paper: int, size: int):
    read = engine.recognise(_line(text, size, ink, paper))
    # PP-OCRv4 sometimes drops a space between words (docs/benchmarks.md): every character
    # must be right, the spaces are not asserted.
    assert _spaceless(read.text) == _spaceless(text), read
    assert 0.5 < read.confidence <= 1.0


@pytest.mark.parametrize(
    "crop",
    [
        np.zeros((0, 0), np.uint8),
        np.zeros((3, 200), np.uint8),
        np.full((40, 300), 255, np.uint8),
        np.full((40, 300), 120, np.uint8),
        np.random.default_rng(7).integers(100, 110, (40, 300)).astype(np.uint8),
    ],
    ids=["empty", "three-pixels-high", "white", "grey", "faint-noise"],
)
def test_blank_crop_reads_as_nothing(engine: OcrEngine, crop: np.ndarray) -> None:
    read = engine.recognise(crop)
    assert read.text == ""
    assert read.confidence == 0.0


def test_accepts_a_colour_crop(engine: OcrEngine) -> None:
    gray = _line("Refresh", 30, 20, 245)
    read = engine.recognise(np.dstack([gray, gray, gray]))
    assert _spaceless(read.text) == "refresh"


def _page(lines: list[tuple[str, int]]) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """A 1280x720 blue page with white lines at the given font sizes, and each line's box."""
    image = Image.new("RGB", (1280, 720), (0, 103, 184))
    draw = ImageDraw.Draw(image)
    boxes, y = [], 80
    for text, size in lines:
        left, top, right, bottom = draw.textbbox((120, y), text, font=_font(size))
        draw.text((120, y), text, font=_font(size), fill=(255, 255, 255))
        boxes.append((left, top, right - left, bottom - top))
        y = bottom + size
    return np.ascontiguousarray(np.asarray(image)[:, :, ::-1]), boxes


def _covered(drawn: tuple[int, int, int, int], found: tuple[int, int, int, int]) -> bool:
    dx, dy, dw, dh = drawn
    fx, fy, fw, fh = found
    inter_w = max(0, min(dx + dw, fx + fw) - max(dx, fx))
    inter_h = max(0, min(dy + dh, fy + fh) - max(dy, fy))
    return inter_w * inter_h >= 0.8 * dw * dh


def test_detect_covers_every_rendered_line_top_to_bottom(engine: OcrEngine) -> None:
    lines = [
        ("Windows Autopilot Configuration", 40),
        ("Organization: Contoso", 18),
        ("Deployment profile: Autopilot Pre-provisioning", 18),
        ("Assigned user: adele.vance@contoso.com", 18),
    ]
    image, drawn = _page(lines)
    boxes = engine.detect(image)
    assert boxes == sorted(boxes, key=lambda box: (box[1], box[0]))
    for (text, _), box in zip(lines, drawn, strict=True):
        assert any(_covered(box, found) for found in boxes), (text, box, boxes)
    # Nothing is found far away from the text: the page below the last line is empty.
    last_bottom = drawn[-1][1] + drawn[-1][3]
    assert all(y < last_bottom + 20 for _, y, _, _ in boxes), boxes


def test_detect_on_a_blank_frame_finds_nothing(engine: OcrEngine) -> None:
    assert engine.detect(np.full((720, 1280, 3), (184, 103, 0), np.uint8)) == []
    assert engine.detect(np.zeros((4, 4, 3), np.uint8)) == []


def test_detect_maps_boxes_back_from_a_shrunk_frame(engine: OcrEngine) -> None:
    from harness.vision.ocr_rapid import RapidOcrEngine

    image, drawn = _page([("Windows Autopilot Configuration", 40)])
    big = np.ascontiguousarray(np.kron(image, np.ones((2, 2, 1), np.uint8)))
    assert isinstance(engine, RapidOcrEngine)
    shrinking = RapidOcrEngine(threads=1, detect_max_side=1280)
    boxes = shrinking.detect(big)
    x, y, w, h = drawn[0]
    assert any(_covered((2 * x, 2 * y, 2 * w, 2 * h), found) for found in boxes), boxes


def test_threads_must_be_positive() -> None:
    from harness.vision.ocr_rapid import RapidOcrEngine

    with pytest.raises(ValueError, match="threads"):
        RapidOcrEngine(threads=0)
