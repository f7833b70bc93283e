"""Capture artefacts keep the capture size and change the pixels the way their name says;
screenshot artefacts (crop, VM window, output size) change the size as a screenshot does."""

from __future__ import annotations

import numpy as np
import pytest

from harness.errors import ConfigError
from harness.sim.render.artefacts import PRESETS, Artefacts, apply_artefacts, preset
from harness.sim.render.bgr import render_bgr
from harness.sim.render.examples import example_view
from harness.sim.render.screenshot import ANNOTATION_RED, DESK, Annotation

RESIZING = {"vm-window", "cropped", "capture720"}


@pytest.fixture(scope="module")
def frame() -> np.ndarray:
    return render_bgr(example_view("failure", 10), (1024, 768))


def test_render_bgr_is_bgr(frame: np.ndarray) -> None:
    assert frame.shape == (768, 1024, 3)
    assert frame.dtype == np.uint8
    # The failure red (RGB 107,17,16) is stored blue-green-red.
    assert tuple(int(v) for v in frame[300, 10]) == (16, 17, 107)


@pytest.mark.parametrize("name", sorted(set(PRESETS) - {"clean"} - RESIZING))
def test_presets_keep_the_size_and_change_the_pixels(frame: np.ndarray, name: str) -> None:
    out = apply_artefacts(frame, PRESETS[name], seed=1)
    assert out.shape == frame.shape
    assert out.dtype == np.uint8
    assert not np.array_equal(out, frame)


def test_clean_is_the_identity(frame: np.ndarray) -> None:
    assert np.array_equal(apply_artefacts(frame, preset("clean")), frame)


def test_letterbox_adds_black_bars_and_bezel_a_grey_frame(frame: np.ndarray) -> None:
    boxed = apply_artefacts(frame, Artefacts(letterbox=(40, 0)))
    assert boxed[:40].max() == 0 and boxed[-40:].max() == 0
    assert tuple(int(v) for v in boxed[60, 5]) != (0, 0, 0)
    framed = apply_artefacts(frame, Artefacts(bezel=20))
    assert tuple(int(v) for v in framed[5, 500]) == (32, 32, 32)


def test_smaller_scale_leaves_a_black_rim_larger_scale_crops(frame: np.ndarray) -> None:
    small = apply_artefacts(frame, Artefacts(scale=0.9))
    assert small[2, 2].max() == 0
    large = apply_artefacts(frame, Artefacts(scale=1.1))
    assert large[2, 2].max() > 0


def test_cursor_is_white_with_a_black_outline(frame: np.ndarray) -> None:
    out = apply_artefacts(frame, Artefacts(cursor=(500, 400)))
    patch = out[400:430, 500:520]
    assert (patch == 255).all(axis=2).sum() > 20
    assert (patch < 30).all(axis=2).sum() > 5


def test_noise_is_repeatable_per_seed(frame: np.ndarray) -> None:
    noisy = preset("noisy")
    assert np.array_equal(
        apply_artefacts(frame, noisy, seed=3), apply_artefacts(frame, noisy, seed=3)
    )
    assert not np.array_equal(
        apply_artefacts(frame, noisy, seed=3), apply_artefacts(frame, noisy, seed=4)
    )


def test_render_bgr_applies_artefacts_at_the_requested_size() -> None:
    out = render_bgr(example_view("success", 11), (1366, 768), preset("hdmi-grabber"), seed=2)
    assert out.shape == (768, 1366, 3)


def test_bad_settings_and_names_are_refused() -> None:
    with pytest.raises(ConfigError, match="jpeg_quality"):
        Artefacts(jpeg_quality=0)
    with pytest.raises(ConfigError, match="scale"):
        Artefacts(scale=3.0)
    with pytest.raises(ConfigError, match="hdmi-grabber"):
        preset("vhs")


def test_crop_cuts_the_edges_it_names(frame: np.ndarray) -> None:
    out = apply_artefacts(frame, Artefacts(crop=(10, 20, 30, 40)))
    assert out.shape == (768 - 60, 1024 - 40, 3)
    assert np.array_equal(out, frame[20:-40, 10:-30])
    fraction = apply_artefacts(frame, preset("cropped"))
    assert fraction.shape[1] == 1024 - round(0.04 * 1024) - round(0.06 * 1024)
    with pytest.raises(ConfigError, match="crop"):
        apply_artefacts(frame, Artefacts(crop=(600, 0, 600, 0)))


def test_vm_window_adds_a_title_bar_and_a_border(frame: np.ndarray) -> None:
    out = apply_artefacts(frame, Artefacts(window="Lab VM"))
    bar = out.shape[0] - 768 - (out.shape[1] - 1024) // 2
    assert bar >= 22 and out.shape[1] > 1024
    assert tuple(int(v) for v in out[2, out.shape[1] // 2]) == (238, 238, 238)
    assert (out[: bar - 2] < 100).all(axis=2).sum() > 30  # the title and the glyphs
    border = (out.shape[1] - 1024) // 2
    assert np.array_equal(out[bar : bar + 768, border : border + 1024], frame)
    dark = apply_artefacts(frame, Artefacts(window="Lab VM", window_dark=True))
    assert tuple(int(v) for v in dark[2, dark.shape[1] // 2]) == (43, 43, 43)


def test_tablet_is_a_black_bezel_on_a_desk_with_the_picture_inside(frame: np.ndarray) -> None:
    out = apply_artefacts(frame, Artefacts(tablet=30))
    assert out.shape == frame.shape
    assert tuple(int(v) for v in out[1, 1]) == DESK
    assert out[20, 512].max() < 70  # the bezel (camera dot aside)
    assert tuple(int(v) for v in out[384, 60]) == tuple(int(v) for v in frame[384, 10])


def test_thumbnail_keeps_the_size_and_loses_the_fine_detail(frame: np.ndarray) -> None:
    out = apply_artefacts(frame, Artefacts(thumbnail_width=400))
    assert out.shape == frame.shape

    def sharpness(image: np.ndarray) -> float:
        return float(np.abs(np.diff(image.astype(np.int16), axis=1)).mean())

    assert sharpness(out) < 0.8 * sharpness(frame)


def test_annotations_are_drawn_in_red_where_they_say(frame: np.ndarray) -> None:
    marks = (
        Annotation("box", (100, 100, 300, 200), thickness=4),
        Annotation("arrow", (600, 600, 800, 650), thickness=4),
        Annotation("note", (100, 650, 400, 690), text="Click here", text_px=28),
    )
    out = apply_artefacts(frame, Artefacts(annotations=marks))
    assert tuple(int(v) for v in out[100, 200]) == ANNOTATION_RED
    assert tuple(int(v) for v in out[150, 200]) == tuple(int(v) for v in frame[150, 200])
    assert tuple(int(v) for v in out[625, 700]) == ANNOTATION_RED
    note = out[650:690, 100:400]
    assert (np.abs(note.astype(int) - ANNOTATION_RED).sum(axis=2) < 60).sum() > 100
    with pytest.raises(ConfigError, match="annotation"):
        Annotation("circle", (0, 0, 1, 1))  # type: ignore[arg-type]


def test_output_size_resizes_to_another_capture_resolution(frame: np.ndarray) -> None:
    assert apply_artefacts(frame, preset("capture720")).shape == (720, 1280, 3)
    with pytest.raises(ConfigError, match="output_size"):
        Artefacts(output_size=(10, 10))
    with pytest.raises(ConfigError, match="thumbnail_width"):
        Artefacts(thumbnail_width=10)
