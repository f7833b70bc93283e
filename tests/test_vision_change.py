"""harness.vision.change: IDENTICAL for noise, ANIMATED for dots / spinners / pointers / carets.
Content changes and the reference: tests/test_vision_change_content.py.

Frames are the simulated device's screens (harness.sim.render) captured the way a grabber does it
(sensor noise, then JPEG), with the animation drawn on the rendered picture before the capture:
the ESP's row of progress dots (the simulator draws none), a progress ring, a mouse pointer, a
blinking caret. Randomness (noise, JPEG quality, animation phase) is varied over many seeds.
"""

from __future__ import annotations

from functools import partial

import cv2
import numpy as np
import pytest

from harness.vision.change import (
    Change,
    ChangeDetector,
)
from tests.vision_change_frames import (
    HD,
    SEEDS,
    SIZES,
    Box,
    Camera,
    Dots,
    draw_caret,
    draw_pointer,
    draw_spinner,
    filmed,
    screen_image,
    sequence,
)

# --- IDENTICAL -------------------------------------------------------------------------------


class TestIdentical:
    def test_the_same_array_and_a_byte_identical_copy(self):
        image = screen_image("esp")
        detector = ChangeDetector()
        assert detector.compare(image) is Change.CHANGED  # the first picture always is
        assert detector.compare(image) is Change.IDENTICAL
        assert detector.compare(image.copy()) is Change.IDENTICAL
        assert detector.last_unchanged_signature
        assert detector.last_difference == 0

    @pytest.mark.parametrize("size", SIZES)
    @pytest.mark.parametrize("screen", ["esp", "options", "success"])
    @pytest.mark.parametrize("windows", [10, 11])
    def test_capture_noise_and_jpeg_of_one_picture(self, size, screen, windows):
        image = screen_image(screen, windows, size)
        frames = 3 if size[0] > 2000 else 8
        rng = np.random.default_rng(size[0] + windows)
        results = sequence(ChangeDetector(), [image] * frames, rng)
        assert results[0] is Change.CHANGED
        assert set(results[1:]) == {Change.IDENTICAL}, results

    @pytest.mark.parametrize("seed", SEEDS)
    def test_many_captures_of_one_picture(self, seed):
        rng = np.random.default_rng(seed)
        windows, screen = (10, 11)[seed % 2], ("esp", "options", "success")[seed % 3]
        camera = Camera(screen_image(screen, windows, (1024, 768)), rng, pool=6)
        results = filmed([camera.shoot() for _ in range(30)])
        assert set(results[1:]) == {Change.IDENTICAL}

    @pytest.mark.parametrize("quality", [50, 70, 90])
    @pytest.mark.parametrize("screen", ["esp", "options", "success", "oobe-region"])
    def test_jpeg_re_encoding_of_a_sharp_picture(self, quality, screen):
        image = screen_image(screen, 11)
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        assert ok
        detector = ChangeDetector()
        detector.compare(image)
        assert detector.compare(cv2.imdecode(data, cv2.IMREAD_COLOR)) is Change.IDENTICAL

    @pytest.mark.parametrize("seed", SEEDS[:4])
    def test_sensor_noise_on_a_textured_picture(self, seed):
        rng = np.random.default_rng(seed)
        base = rng.integers(0, 200, (1080, 1920, 3), dtype=np.uint8)
        noisy = (base.astype(np.int16) + rng.integers(-6, 7, base.shape)).clip(0, 255)
        detector = ChangeDetector()
        detector.compare(base)
        assert detector.compare(noisy.astype(np.uint8)) is Change.IDENTICAL
        assert not detector.last_unchanged_signature

    def test_grey_frames_of_odd_size(self):
        detector = ChangeDetector()
        grey = np.full((101, 151), 30, np.uint8)
        assert detector.compare(grey) is Change.CHANGED
        assert detector.compare(grey.copy()) is Change.IDENTICAL
        assert detector.compare(np.full((101, 151), 220, np.uint8)) is Change.CHANGED


# --- ANIMATED --------------------------------------------------------------------------------


class TestAnimated:
    @pytest.mark.parametrize("windows", [10, 11])
    @pytest.mark.parametrize("seed", SEEDS)
    def test_200_frames_of_progress_dots_never_change(self, windows, seed):
        rng = np.random.default_rng(seed)
        size = SIZES[seed % 3]
        dots = Dots.under_status(windows, size)
        camera = Camera(screen_image("esp", windows, size), rng)
        frames = [camera.shoot(partial(dots.draw, phase=rng.uniform())) for _ in range(200)]
        results = filmed(frames)
        assert results[0] is Change.CHANGED
        assert Change.CHANGED not in results[1:], results.index(Change.CHANGED, 1)
        assert results.count(Change.ANIMATED) > 150  # the dots are seen moving, not missed

    # Not 20: the dots then advance by one spacing a frame and look still at this frame rate
    # (stroboscopic), which the detector rightly reports once as content.
    @pytest.mark.parametrize("period", [8, 10, 12, 15])
    def test_dots_moving_smoothly_never_drift_into_a_change(self, period):
        # Small steps (a sweep takes 2-4 s at four frames a second): each frame is close to the
        # previous one, far from the first.
        rng = np.random.default_rng(period)
        dots = Dots.under_status(10, HD)
        camera = Camera(screen_image("esp"), rng)
        frames = [camera.shoot(partial(dots.draw, phase=(i % period) / period)) for i in range(200)]
        assert Change.CHANGED not in filmed(frames)[1:]

    @pytest.mark.parametrize("seed", SEEDS)
    def test_a_spinner_turning(self, seed):
        rng = np.random.default_rng(seed)
        size = SIZES[seed % 2]
        camera = Camera(screen_image("esp", 11, size), rng)
        centre = (int(rng.uniform(0.1, 0.9) * size[0]), int(rng.uniform(0.1, 0.9) * size[1]))
        frames = [
            camera.shoot(partial(draw_spinner, centre=centre, angle=rng.uniform(0, 6.3)))
            for _ in range(60)
        ]
        results = filmed(frames)
        assert Change.CHANGED not in results[1:]
        assert results.count(Change.ANIMATED) > 40

    @pytest.mark.parametrize("seed", SEEDS)
    def test_a_moving_mouse_pointer(self, seed):
        rng = np.random.default_rng(seed)
        camera = Camera(screen_image("options", 10 + seed % 2), rng)
        tip = np.array([rng.uniform(100, 1700), rng.uniform(100, 900)])
        velocity = rng.uniform(8, 25, 2) * rng.choice([-1, 1], 2)
        frames = []
        for _ in range(60):
            tip = tip + velocity
            bounced = (tip < 20) | (tip > [1850, 1000])  # it keeps moving: off an edge, back
            velocity[bounced] *= -1
            tip = np.clip(tip, 20, [1850, 1000])
            frames.append(camera.shoot(partial(draw_pointer, tip=(round(tip[0]), round(tip[1])))))
        assert set(filmed(frames)[1:]) == {Change.ANIMATED}

    @pytest.mark.parametrize("seed", SEEDS[:6])
    def test_dots_spinner_and_pointer_together(self, seed):
        rng = np.random.default_rng(seed)
        dots = Dots.under_status(10, HD)
        camera = Camera(screen_image("esp"), rng)

        def everything(image: np.ndarray, index: int) -> Box:
            dots.draw(image, rng.uniform())
            draw_spinner(image, (1500, 300), rng.uniform(0, 6.3))
            draw_pointer(image, (400 + 14 * index, 900 - 8 * index))
            return 0, 250, 1600, 500

        results = filmed([camera.shoot(partial(everything, index=i)) for i in range(100)])
        assert Change.CHANGED not in results[1:]

    @pytest.mark.parametrize("seed", SEEDS[:6])
    def test_a_blinking_caret(self, seed):
        # On for two frames, off for two (530 ms at four frames a second): never content.
        rng = np.random.default_rng(seed)
        camera = Camera(screen_image("oobe-signin", 11), rng)
        caret = partial(draw_caret, at=(700, 500))
        results = filmed([camera.shoot(caret if i % 4 < 2 else None) for i in range(200)])
        assert Change.CHANGED not in results[1:]
        assert Change.ANIMATED in results

    @pytest.mark.parametrize("seed", SEEDS[:4])
    def test_a_slowly_blinking_caret_changes_at_most_once(self, seed):
        # On for four frames: the first blink may settle into a change before it is seen moving.
        rng = np.random.default_rng(seed)
        camera = Camera(screen_image("oobe-signin", 11), rng)
        caret = partial(draw_caret, at=(700, 500))
        results = filmed([camera.shoot(caret if i % 8 < 4 else None) for i in range(200)])
        assert results[1:].count(Change.CHANGED) <= 1
