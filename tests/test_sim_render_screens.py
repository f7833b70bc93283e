"""The renderer draws every screen of both Windows versions at every supported size."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from PIL import Image

from harness.errors import ConfigError, UsageError
from harness.sim.model.samples import view_for
from harness.sim.render import render
from harness.sim.render.examples import example_view
from harness.sim.render.palette import (
    BLACK,
    FAILURE_RED,
    SUCCESS_GREEN,
    W10_BLUE,
    W10_ESP_BLUE,
    W11_BACKDROP,
    W11_CARD,
)
from harness.sim.view import SCREENS, View

SIZES = [(1024, 768), (1366, 768), (1920, 1080), (2560, 1440)]


def _close(pixel: tuple[int, ...], expected: tuple[int, int, int], tolerance: int = 2) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


@pytest.mark.parametrize("windows", [10, 11])
@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_every_screen_renders_at_the_exact_size(windows: int, size: tuple[int, int]) -> None:
    for screen in SCREENS:
        image = render(example_view(screen, windows), size)
        assert image.size == size, screen
        assert image.mode == "RGB", screen


@pytest.mark.parametrize("screen", ["failure", "options"])
def test_4k_renders_at_the_exact_size(screen: str) -> None:
    image = render(example_view(screen, 10), (3840, 2160))
    assert image.size == (3840, 2160)


@pytest.mark.parametrize("windows", [10, 11])
def test_views_from_the_device_model_render(windows: int) -> None:
    for screen in SCREENS:
        view = view_for(screen, windows)
        assert render(view, (1280, 800)).size == (1280, 800), screen


# Sample points away from text, QR code and buttons: (x, y) as fractions of the frame.
_CORNERS = [(0.02, 0.3), (0.98, 0.45), (0.5, 0.97), (0.03, 0.6)]


@pytest.mark.parametrize(
    ("windows", "screen", "colour"),
    [
        (10, "success", SUCCESS_GREEN),
        (10, "failure", FAILURE_RED),
        (11, "success", SUCCESS_GREEN),
        (11, "failure", FAILURE_RED),
        (10, "configuration", W10_BLUE),
        (10, "options", W10_BLUE),
        (10, "esp", W10_ESP_BLUE),
        (10, "something-went-wrong", W10_BLUE),
        (11, "oobe-region", W11_BACKDROP),
        (10, "off", BLACK),
        (10, "black", BLACK),
        (11, "firmware", BLACK),
    ],
)
@pytest.mark.parametrize(
    "size", [(1024, 768), (1920, 1080)], ids=lambda size: f"{size[0]}x{size[1]}"
)
def test_background_colour_matches_the_reference(
    windows: int, screen: str, colour: tuple[int, int, int], size: tuple[int, int]
) -> None:
    image = render(example_view(screen, windows), size)
    for fx, fy in _CORNERS:
        pixel = image.getpixel((int(fx * (size[0] - 1)), int(fy * (size[1] - 1))))
        assert _close(pixel, colour), (screen, fx, fy, pixel)


def test_windows_11_card_is_white_in_its_middle() -> None:
    image = render(example_view("oobe-network", 11), (1920, 1080))
    # Left half of the card, above the illustration's halo: plain card colour.
    assert _close(image.getpixel((300, 140)), W11_CARD)


def test_selected_options_tile_is_the_lighter_blue_with_a_dotted_focus() -> None:
    data = example_view("options", 10).data
    image = render(View("options", 10, data=data), (1920, 1080))
    assert _count(image, (1, 98, 177)) > 50_000  # the filled tile
    # The dotted focus rectangle: along its top edge white dots alternate with the tile blue.
    edge = [image.getpixel((x, 373)) for x in range(560, 600)]
    assert (255, 255, 255) in edge
    assert (1, 98, 177) in edge
    unfocused = render(View("options", 10, data={**data, "focus": "Continue"}), (1920, 1080))
    assert (255, 255, 255) not in [unfocused.getpixel((x, 373)) for x in range(560, 600)]
    moved = render(View("options", 10, data={**data, "selected": 1}), (1920, 1080))
    assert moved.getpixel((700, 380)) != (1, 98, 177)


def _count(image: Image.Image, colour: tuple[int, int, int]) -> int:
    return sum(count for count, pixel in image.getcolors(1 << 20) or [] if pixel == colour)


def test_failed_esp_shows_a_red_cross_and_the_code_line() -> None:
    image = render(example_view("esp", 10, "failure"), (1920, 1080))
    reds = sum(
        count
        for count, (r, g, b) in image.getcolors(1 << 20) or []
        if r > 200 and g < 60 and b < 80
    )
    assert reds > 100


def test_bad_sizes_and_unknown_screens_are_refused() -> None:
    with pytest.raises(ConfigError, match="size"):
        render(example_view("success"), (100, 100))
    with pytest.raises(ConfigError, match="size"):
        render(example_view("success"), ("wide", 1080))  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="unknown screen"):
        render(View("desktop"), (1024, 768))
    with pytest.raises(UsageError, match="Windows version"):
        render(View("success", windows=7), (1024, 768))


def test_missing_data_keys_fall_back_to_reference_texts() -> None:
    for screen in SCREENS:
        for windows in (10, 11):
            assert render(View(screen, windows), (1024, 768)).size == (1024, 768)


def test_a_1080p_frame_renders_fast() -> None:
    views = [example_view(screen, 10) for screen in ("failure", "esp", "diagnostics")]
    views += [example_view(screen, 11) for screen in ("oobe-region", "configuration", "options")]
    for view in views:
        render(view, (1920, 1080))  # warm the font and background caches
    start = time.perf_counter()
    for view in views:
        render(view, (1920, 1080))
    per_frame = (time.perf_counter() - start) / len(views)
    assert per_frame < 0.15, per_frame


def test_the_core_renderer_needs_neither_numpy_nor_opencv() -> None:
    code = (
        "import sys\n"
        "from harness.sim.render import render\n"
        "from harness.sim.render.examples import example_view\n"
        "render(example_view('failure'), (1024, 768))\n"
        "render(example_view('esp', 11), (1024, 768))\n"
        "print(sorted(m for m in ('numpy', 'cv2') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
