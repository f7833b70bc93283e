"""harness.vision.change: CHANGED for content (at once for large changes, once settled for small
ones), the reference stays the last CHANGED picture, and the byte / frame helpers. Animation and
noise: tests/test_vision_change.py; the frames: tests/vision_change_frames.py."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import partial

import cv2
import numpy as np
import pytest

from harness.vision.change import (
    ANIMATION_MEMORY,
    SETTLE_FRAMES,
    Change,
    ChangeDetector,
    is_identical,
    is_new_frame,
)
from tests.vision_change_frames import (
    HD,
    SEEDS,
    SIZES,
    Camera,
    Dots,
    capture,
    draw_caret,
    draw_pointer,
    filmed,
    samples,
    screen_image,
    sequence,
)

# --- CHANGED ---------------------------------------------------------------------------------


class TestChanged:
    @pytest.mark.parametrize("size", SIZES)
    @pytest.mark.parametrize("windows", [10, 11])
    def test_status_line_working_to_complete(self, size, windows):
        rng = np.random.default_rng(size[0] + windows)
        before = screen_image("esp", windows, size)
        after = screen_image("esp", windows, size, working_status="Complete")
        results = sequence(ChangeDetector(), [before] * 5 + [after] * (SETTLE_FRAMES + 2), rng)
        assert results[:5] == [Change.CHANGED] + [Change.IDENTICAL] * 4
        if (windows, size) == (11, (1024, 768)):
            # Grey 14 px text on white: the changed cells make only small blobs, so the change
            # is reported once it has stayed put (SETTLE_FRAMES frames later).
            assert results[5 : 6 + SETTLE_FRAMES].count(Change.CHANGED) == 1
        else:
            assert results[5] is Change.CHANGED
        assert results[-1] is Change.IDENTICAL

    @pytest.mark.parametrize("seed", SEEDS)
    def test_status_change_under_running_dots(self, seed):
        rng = np.random.default_rng(seed)
        size = SIZES[seed % 2]
        dots = Dots.under_status(10, size)
        working = Camera(screen_image("esp", 10, size), rng)
        done = Camera(screen_image("esp", 10, size, working_status="Complete"), rng)
        frames = [working.shoot(partial(dots.draw, phase=rng.uniform())) for _ in range(30)]
        frames += [done.shoot(partial(dots.draw, phase=rng.uniform())) for _ in range(10)]
        results = filmed(frames)
        assert Change.CHANGED not in results[1:30]
        assert results[30] is Change.CHANGED
        assert Change.CHANGED not in results[31:]

    @pytest.mark.parametrize(
        ("before", "after"),
        [
            ("esp", "success"),
            ("options", "configuration"),
            ("oobe-region", "oobe-keyboard"),
            ("success", "failure"),  # the same layout, another colour
        ],
    )
    @pytest.mark.parametrize("windows", [10, 11])
    def test_another_screen(self, before, after, windows):
        rng = np.random.default_rng(7)
        first, second = screen_image(before, windows), screen_image(after, windows)
        results = sequence(ChangeDetector(), [first, second], rng)
        assert results == [Change.CHANGED, Change.CHANGED]

    @pytest.mark.parametrize("windows", [10, 11])
    def test_tile_selection_moves(self, windows):
        rng = np.random.default_rng(windows)
        images = [screen_image("options", windows, selected=index) for index in (0, 0, 1, 2)]
        results = sequence(ChangeDetector(), images, rng)
        assert results == [Change.CHANGED, Change.IDENTICAL, Change.CHANGED, Change.CHANGED]

    def test_list_selection_moves(self):
        rng = np.random.default_rng(5)
        images = [screen_image("oobe-region", 10, selected=index) for index in (2, 3)]
        assert sequence(ChangeDetector(), images, rng)[1] is Change.CHANGED

    def test_red_and_green_of_equal_brightness(self):
        red = np.full((480, 640, 3), (0, 0, 180), np.uint8)
        green = np.full((480, 640, 3), (0, round(180 * 0.299 / 0.587), 0), np.uint8)
        grey = [int(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).mean()) for image in (red, green)]
        assert abs(grey[0] - grey[1]) <= 1  # a grey-only comparison would call them equal
        detector = ChangeDetector()
        detector.compare(red)
        assert detector.compare(green) is Change.CHANGED

    def test_one_word_of_small_text_on_a_light_page(self):
        before = np.full((1080, 1920, 3), 240, np.uint8)
        after = before.copy()
        cv2.putText(after, "Complete", (400, 500), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 0), 1)
        detector = ChangeDetector()
        assert [detector.compare(before) for _ in range(5)][-1] is Change.IDENTICAL
        changes = [detector.compare(after) for _ in range(SETTLE_FRAMES + 1)]
        assert Change.CHANGED in changes

    def test_a_new_resolution(self):
        detector = ChangeDetector()
        detector.compare(screen_image("esp", 10, (1024, 768)))
        assert detector.compare(screen_image("esp", 10, HD)) is Change.CHANGED

    @pytest.mark.parametrize("seed", SEEDS)
    def test_one_digit_settles_into_a_change(self, seed):
        # "Apps (4 of 8 installed)" -> "(5 of 8 ...)" is as small as a pointer: it is reported
        # once it has stayed put for SETTLE_FRAMES frames, while the dots keep running.
        rng = np.random.default_rng(seed)
        size, windows = SIZES[seed % 2], 10 + seed % 2
        dots = Dots.under_status(windows, size)
        phases = copy.deepcopy(samples.view_for("esp", windows).data["phases"])
        phases[1]["substeps"][3]["status"] = "5 of 8 installed"
        before = Camera(screen_image("esp", windows, size), rng)
        after = Camera(screen_image("esp", windows, size, phases=phases), rng)
        frames = [before.shoot(partial(dots.draw, phase=rng.uniform())) for _ in range(10)]
        frames += [after.shoot(partial(dots.draw, phase=rng.uniform())) for _ in range(10)]
        results = filmed(frames)
        assert Change.CHANGED not in results[1:10]
        assert Change.CHANGED in results[10 : 11 + SETTLE_FRAMES]
        assert Change.CHANGED not in results[11 + SETTLE_FRAMES :]

    def test_a_parked_pointer_settles_into_a_change(self):
        rng = np.random.default_rng(2)
        camera = Camera(screen_image("options"), rng)
        frames = [camera.shoot(partial(draw_pointer, tip=(400 + 30 * i, 500))) for i in range(10)]
        parked = partial(draw_pointer, tip=(400 + 30 * 9, 500))
        frames += [camera.shoot(parked) for _ in range(SETTLE_FRAMES + 2)]
        results = filmed(frames)
        assert set(results[1:10]) == {Change.ANIMATED}
        assert Change.CHANGED in results[10:]
        assert results[-1] is Change.IDENTICAL


# --- the reference ---------------------------------------------------------------------------


class TestReference:
    def test_the_reference_is_the_last_changed_picture(self):
        rng = np.random.default_rng(11)
        dots = Dots.under_status(10, HD)
        working = screen_image("esp")
        done = screen_image("esp", working_status="Complete")
        camera = Camera(working, rng)
        detector = ChangeDetector()
        for index in range(200):
            phase = (index % 12) / 12
            assert detector.compare(camera.shoot(partial(dots.draw, phase=phase))) in {
                Change.IDENTICAL if index else Change.CHANGED,
                Change.ANIMATED,
            }
        # Back to the very first picture: the reference has not moved with the dots.
        assert detector.compare(camera.shoot()) is not Change.CHANGED
        assert detector.compare(capture(done, rng)) is Change.CHANGED
        assert detector.compare(capture(done, rng)) is Change.IDENTICAL
        assert detector.compare(capture(working, rng)) is Change.CHANGED

    def test_reset_forgets_the_reference(self):
        image = screen_image("esp")
        detector = ChangeDetector()
        detector.compare(image)
        detector.reset()
        assert detector.compare(image) is Change.CHANGED

    def test_animation_stops_hiding_its_cells_after_the_memory(self):
        # A caret that blinked and then vanished for good: the vanished caret is content again
        # once ANIMATION_MEMORY frames have passed without movement.
        rng = np.random.default_rng(4)
        camera = Camera(screen_image("oobe-signin", 11), rng)
        caret = partial(draw_caret, at=(700, 500))
        frames = [capture(screen_image("oobe-region", 11), rng)]  # the screen before
        frames += [camera.shoot(caret if index % 2 == 0 else None) for index in range(6)]
        frames += [camera.shoot() for _ in range(ANIMATION_MEMORY + SETTLE_FRAMES + 10)]
        results = filmed(frames)
        assert results[1] is Change.CHANGED
        assert results[2:].count(Change.CHANGED) == 1
        assert results[-1] is Change.IDENTICAL

    def test_a_small_change_in_the_first_frames_waits_for_the_next_change(self):
        # The first picture of a stream has no picture before it to tell its animation's holes
        # from content: what leaves it at once counts as animation until the next CHANGED.
        rng = np.random.default_rng(6)
        images = [screen_image("success", 10)] * 2
        images += [screen_image("success", 10, elapsed="0 h 8 min")] * 10
        images += [screen_image("failure", 10)]
        results = sequence(ChangeDetector(), images, rng)
        assert Change.CHANGED not in results[1:12]
        assert results[12] is Change.CHANGED


# --- helpers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeFrame:
    image: np.ndarray
    timestamp: float


class TestHelpers:
    def test_is_identical(self):
        image = screen_image("esp", 10, (1024, 768))
        assert is_identical(image, image)
        assert is_identical(image, image.copy())
        other = image.copy()
        other[700, 1000, 2] ^= 1  # one bit of one pixel
        assert not is_identical(image, other)
        assert not is_identical(image, image[:-1])
        assert not is_identical(image, image.astype(np.int16))

    def test_is_new_frame(self):
        image = np.zeros((4, 4, 3), np.uint8)
        first = FakeFrame(image, 1.0)
        assert is_new_frame(None, first)
        assert not is_new_frame(first, first)
        assert not is_new_frame(first, FakeFrame(image, 1.0))
        assert not is_new_frame(first, FakeFrame(image, 0.5))
        assert is_new_frame(first, FakeFrame(image, 1.25))  # the same picture, a new frame
