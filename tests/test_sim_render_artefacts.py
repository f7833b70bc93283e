"""Capture artefacts keep the capture size and change the pixels the way their name says."""

from __future__ import annotations

import numpy as np
import pytest

from harness.errors import ConfigError
from harness.sim.render.artefacts import PRESETS, Artefacts, apply_artefacts, preset
from harness.sim.render.bgr import render_bgr
from harness.sim.render.examples import example_view


@pytest.fixture(scope="module")
def frame() -> np.ndarray:
    return render_bgr(example_view("failure", 10), (1024, 768))


def test_render_bgr_is_bgr(frame: np.ndarray) -> None:
    assert frame.shape == (768, 1024, 3)
    assert frame.dtype == np.uint8
    # The failure red (RGB 107,17,16) is stored blue-green-red.
    assert tuple(int(v) for v in frame[300, 10]) == (16, 17, 107)


@pytest.mark.parametrize("name", sorted(set(PRESETS) - {"clean"}))
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
