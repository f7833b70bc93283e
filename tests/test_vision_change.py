"""harness.vision.change: IDENTICAL for noise, ANIMATED for dots / spinners / pointers / carets,
CHANGED for content, and the reference stays the last CHANGED picture.

Frames are the simulated device's screens (harness.sim.render) captured the way a grabber does it
(sensor noise, then JPEG), with the animation drawn on the rendered picture before the capture:
the ESP's row of progress dots (the simulator draws none), a progress ring, a mouse pointer, a
blinking caret. Randomness (noise, JPEG quality, animation phase) is varied over many seeds.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial

import cv2
import numpy as np
import pytest

from harness.sim.model import samples
from harness.sim.render.bgr import render_bgr
from harness.sim.view import View
from harness.vision.change import (
    ANIMATION_MEMORY,
    SETTLE_FRAMES,
    Change,
    ChangeDetector,
    is_identical,
    is_new_frame,
)

HD = (1920, 1080)
SIZES = [(1024, 768), HD, (3840, 2160)]
SEEDS = range(12)


# --- frames ----------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _rendered(screen: str, windows: int, size: tuple[int, int], edits: str) -> np.ndarray:
    view = samples.view_for(screen, windows)
    data = copy.deepcopy(view.data)
    for path, value in json.loads(edits):  # [[path, value], ...] as JSON: a hashable cache key
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    image = render_bgr(View(screen=screen, windows=windows, data=data), size)
    image.flags.writeable = False
    return image


def screen_image(
    screen: str, windows: int = 10, size: tuple[int, int] = HD, **changes: object
) -> np.ndarray:
    """A rendered screen (a fresh copy); ``changes`` edit its data: ``working_status="Complete"``
    sets the status of the ESP's working phase, any other key sets ``data[key]``."""
    edits = []
    for key, value in sorted(changes.items()):
        edits.append([["phases", 1, "status"] if key == "working_status" else [key], value])
    return _rendered(screen, windows, size, json.dumps(edits)).copy()


def capture(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What a grabber delivers: sensor noise (sigma 2-8), then JPEG (quality 50-90)."""
    cv2.setRNGSeed(int(rng.integers(1 << 30)))
    noise = np.empty(image.shape, np.int16)
    cv2.randn(noise, 0, float(rng.uniform(2, 8)))
    noisy = np.clip(image.astype(np.int16) + noise, 0, 255).astype(np.uint8)
    quality = int(rng.choice([50, 70, 90]))
    ok, data = cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


@lru_cache(maxsize=16)
def status_text(windows: int, size: tuple[int, int]) -> tuple[tuple[int, int, int, int], tuple]:
    """Box (x, y, w, h) and ink colour (BGR) of the working phase's status text, found by
    rendering the ESP with and without it."""
    with_text = screen_image("esp", windows, size)
    without = screen_image("esp", windows, size, working_status="")
    ink = cv2.absdiff(with_text, without).max(axis=2) > 40
    ys, xs = np.nonzero(ink)
    box = int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)
    return box, tuple(int(c) for c in np.median(with_text[ink], axis=0))


Box = tuple[int, int, int, int]


class Camera:
    """Captures of one still picture with animation drawn on it, at a fraction of the cost.

    A full capture costs tens of milliseconds at 1080p; hundreds of frames per test would take
    minutes. So a few full captures of the still picture are made once, and each frame is one
    of them with the animated area (the box the drawing returns) captured afresh and pasted in:
    the rest of the frame still carries independent noise and JPEG artefacts from frame to
    frame (four captures to pick from), the animated area its own.
    """

    def __init__(self, still: np.ndarray, rng: np.random.Generator, pool: int = 4) -> None:
        self.still = still
        self.rng = rng
        self.pool = [capture(still, rng) for _ in range(pool)]

    def shoot(self, draw: Callable[[np.ndarray], Box] | None = None) -> np.ndarray:
        frame = self.pool[int(self.rng.integers(len(self.pool)))].copy()
        if draw is None:
            return frame
        drawn = self.still.copy()
        x, y, w, h = draw(drawn)
        # Whole JPEG blocks around the drawing: the pasted capture meets the frame on block edges.
        x0, y0 = max(0, x // 16 * 16 - 16), max(0, y // 16 * 16 - 16)
        x1 = min(drawn.shape[1], (x + w) // 16 * 16 + 32)
        y1 = min(drawn.shape[0], (y + h) // 16 * 16 + 32)
        frame[y0:y1, x0:x1] = capture(drawn[y0:y1, x0:x1], self.rng)
        return frame


@dataclass(frozen=True)
class Dots:
    """The ESP's indeterminate progress: five small dots running along a row under the status."""

    x: int
    y: int
    span: int
    radius: int
    colour: tuple

    @classmethod
    def under_status(cls, windows: int, size: tuple[int, int]) -> Dots:
        (x, y, _, h), ink = status_text(windows, size)
        radius = max(2, round(size[1] / 400))
        return cls(x, y + h + max(4, h // 2), round(0.12 * size[0]), radius, ink)

    def draw(self, image: np.ndarray, phase: float) -> Box:
        spacing = 5 * self.radius
        lead = self.x + phase * (self.span + 4 * spacing)
        for index in range(5):
            centre = round(lead - index * spacing)
            if self.x <= centre <= self.x + self.span:
                cv2.circle(image, (centre, self.y), self.radius, self.colour, -1, cv2.LINE_AA)
        r = self.radius + 2
        return self.x - r, self.y - r, self.span + 2 * r, 2 * r


def draw_spinner(image: np.ndarray, centre: tuple[int, int], angle: float) -> Box:
    """A progress ring: eight dots of falling brightness on a circle, turned by ``angle``."""
    height = image.shape[0]
    radius, dot = 0.025 * height, max(2, round(0.004 * height))
    for index in range(8):
        a = angle - index * math.pi / 6
        x, y = centre[0] + radius * math.cos(a), centre[1] + radius * math.sin(a)
        shade = 255 - 22 * index
        cv2.circle(image, (round(x), round(y)), dot, (shade, shade, shade), -1, cv2.LINE_AA)
    reach = round(radius) + dot + 2
    return centre[0] - reach, centre[1] - reach, 2 * reach, 2 * reach


def draw_pointer(image: np.ndarray, tip: tuple[int, int]) -> Box:
    """The mouse pointer the grabber artefacts draw: a white arrow with a black outline."""
    s = max(12, image.shape[0] // 40)
    arrow = np.array([(0, 0), (0, 1.0), (0.28, 0.76), (0.45, 1.12), (0.6, 1.05), (0.43, 0.7)])
    points = np.round(np.vstack([arrow, [(0.75, 0.7)]]) * s + tip).astype(np.int32)
    cv2.fillPoly(image, [points], (255, 255, 255), lineType=cv2.LINE_AA)
    cv2.polylines(image, [points], True, (0, 0, 0), max(1, s // 12), lineType=cv2.LINE_AA)
    return tip[0] - 2, tip[1] - 2, s + 4, round(1.2 * s) + 4


def draw_caret(image: np.ndarray, at: tuple[int, int]) -> Box:
    """A text cursor, 2 px wide, dark on a light page and light on a dark one."""
    height = round(0.02 * image.shape[0])
    x, y = at
    ink = (0, 0, 0) if image[y, x].mean() > 128 else (255, 255, 255)
    cv2.rectangle(image, (x, y), (x + 1, y + height), ink, -1)
    return x, y, 2, height + 1


def sequence(
    detector: ChangeDetector, images: list[np.ndarray], rng: np.random.Generator
) -> list[Change]:
    """Full captures of each picture (for short sequences whose content changes)."""
    return [detector.compare(capture(image, rng)) for image in images]


def filmed(frames: list[np.ndarray]) -> list[Change]:
    detector = ChangeDetector()
    return [detector.compare(frame) for frame in frames]


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
            draw_pointer(image, (900 + 5 * index, 700 - 3 * index))
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
