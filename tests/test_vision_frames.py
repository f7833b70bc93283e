"""harness.vision.frames (blank screens, active area, still screens) and its deprecated two-frame
comparison ``frames_differ``. The change detector itself: tests/test_vision_change.py."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from harness.vision.frames import (
    CHANGE_THRESHOLD,
    StillScreenTimeout,
    active_area,
    blank_kind,
    frame_difference,
    frames_differ,
    is_black,
    is_no_signal,
    is_uniform,
    looks_like_firmware_logo,
    wait_for_still_screen,
)

FONT = Path("/usr/share/fonts/truetype/open-sans/OpenSans-Regular.ttf")
W10_BLUE_BGR = (117, 66, 0)
SIZES = [(1024, 768), (1920, 1080), (3840, 2160)]


def esp_screen(
    size: tuple[int, int], status: str = "Working on it (1 of 3)", selected: int = 0
) -> np.ndarray:
    """A Windows-10-like ESP page: blue, a title, three phases with a status line each."""
    return _esp_screen(size, status, selected).copy()


@lru_cache(maxsize=32)
def _esp_screen(size: tuple[int, int], status: str, selected: int) -> np.ndarray:
    width, height = size
    scale = height / 1080
    image = Image.new("RGB", size, W10_BLUE_BGR[::-1])
    draw = ImageDraw.Draw(image)
    title = ImageFont.truetype(str(FONT), round(40 * scale))
    body = ImageFont.truetype(str(FONT), max(10, round(20 * scale)))
    draw.text((round(200 * scale), round(150 * scale)), "Setting up your device", "white", title)
    for index, phase in enumerate(["Device preparation", "Device setup", "Account setup"]):
        top = round((300 + index * 80) * scale)
        if index == selected:
            box = [round(190 * scale), top - 5, round(1200 * scale), top + round(60 * scale)]
            draw.rectangle(box, outline="white", width=2)
        draw.text((round(200 * scale), top), phase, "white", body)
        line = status if index == 1 else "Complete"
        draw.text((round(200 * scale), top + round(25 * scale)), line, "white", body)
    draw.text((width - round(400 * scale), height - round(80 * scale)), "Continue", "white", body)
    return cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)


def noisy(image: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    """Gaussian sensor noise (OpenCV's generator: numpy's float64 one is slow at 4K)."""
    cv2.setRNGSeed(seed)
    noise = np.empty(image.shape, np.int16)
    cv2.randn(noise, 0, sigma)
    return np.clip(image.astype(np.int16) + noise, 0, 255).astype(np.uint8)


def jpeg(image: np.ndarray, quality: int = 50) -> np.ndarray:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def captured(image: np.ndarray, seed: int) -> np.ndarray:
    """What a grabber delivers: sensor noise, then MJPEG at quality 50."""
    return jpeg(noisy(image, 6, seed))


def solid(size: tuple[int, int], bgr: tuple[int, int, int]) -> np.ndarray:
    width, height = size
    image = np.empty((height, width, 3), np.uint8)
    image[:] = bgr
    return image


def centred_text(size: tuple[int, int], background: tuple[int, int, int], text: str) -> np.ndarray:
    width, height = size
    image = Image.new("RGB", size, background[::-1])
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), round(48 * height / 1080))
    draw.text((width // 2, height // 2), text, "white", font, anchor="mm")
    return cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)


def firmware_logo(size: tuple[int, int]) -> np.ndarray:
    width, height = size
    image = np.zeros((height, width, 3), np.uint8)
    logo_w, logo_h = width // 8, height // 10
    x, y = (width - logo_w) // 2, int(height * 0.4)
    image[y : y + logo_h, x : x + logo_w] = (200, 200, 200)
    cv2.circle(image, (width // 2, int(height * 0.72)), height // 40, (235, 235, 235), 3)
    return image


def framed(picture: np.ndarray, top: int, left: int, bottom: int, right: int, colour: int):
    height, width = picture.shape[:2]
    canvas = np.full((height + top + bottom, width + left + right, 3), colour, np.uint8)
    canvas[top : top + height, left : left + width] = picture
    return canvas


# --- change detection ----------------------------------------------------------------------------


class TestChangeDetection:
    @pytest.mark.parametrize("size", SIZES)
    def test_noise_and_jpeg_of_the_same_picture_are_not_a_change(self, size):
        screen = esp_screen(size)
        assert not frames_differ(captured(screen, 1), captured(screen, 2))
        assert not frames_differ(noisy(screen, 10, 3), noisy(screen, 10, 4))

    @pytest.mark.parametrize("size", SIZES)
    def test_a_changed_status_line_is_a_change(self, size):
        before = captured(esp_screen(size, status="Working on it (1 of 3)"), 1)
        after = captured(esp_screen(size, status="Working on it (2 of 3)"), 2)
        assert frames_differ(before, after)

    @pytest.mark.parametrize("size", SIZES)
    def test_a_moved_selection_is_a_change(self, size):
        before = captured(esp_screen(size, selected=0), 1)
        after = captured(esp_screen(size, selected=1), 2)
        assert frame_difference(before, after) > 3 * CHANGE_THRESHOLD

    def test_red_and_green_of_equal_brightness_differ(self):
        # Same grey level (BT.601): a grey-only comparison would call these equal.
        red = solid((640, 480), (0, 0, 180))
        green = solid((640, 480), (0, round(180 * 0.299 / 0.587), 0))
        assert (
            abs(
                int(cv2.cvtColor(red, cv2.COLOR_BGR2GRAY).mean())
                - int(cv2.cvtColor(green, cv2.COLOR_BGR2GRAY).mean())
            )
            <= 1
        )
        assert frames_differ(red, green)

    def test_a_resolution_change_is_a_change(self):
        assert frame_difference(esp_screen((1024, 768)), esp_screen((1920, 1080))) == 255.0


# --- blank screens -------------------------------------------------------------------------------


class TestBlankScreens:
    @pytest.mark.parametrize("size", SIZES)
    def test_black_with_noise(self, size):
        image = captured(solid(size, (0, 0, 0)), 1)
        assert is_black(image)
        assert is_uniform(image)
        assert is_no_signal(image)
        assert blank_kind(image) == "black"

    def test_grabber_blue_screen_is_uniform(self):
        image = captured(solid((1920, 1080), (255, 0, 0)), 1)
        assert not is_black(image)
        assert is_uniform(image)
        assert is_no_signal(image)
        assert blank_kind(image) == "uniform"

    @pytest.mark.parametrize("background", [(255, 0, 0), (128, 128, 128)])
    def test_no_signal_card(self, background):
        image = captured(centred_text((1920, 1080), background, "No Signal"), 1)
        assert not is_uniform(image)
        assert is_no_signal(image)
        assert blank_kind(image) == "no-signal"

    @pytest.mark.parametrize("size", SIZES)
    def test_firmware_logo(self, size):
        image = captured(firmware_logo(size), 1)
        assert looks_like_firmware_logo(image)
        assert not is_black(image)
        assert not is_no_signal(image)
        assert blank_kind(image) == "firmware"

    @pytest.mark.parametrize("size", SIZES)
    def test_a_screen_of_the_flow_is_not_blank(self, size):
        image = captured(esp_screen(size), 1)
        assert blank_kind(image) is None
        assert not is_no_signal(image)
        assert not looks_like_firmware_logo(image)

    def test_dark_picture_with_content_everywhere_is_not_firmware(self):
        image = np.zeros((1080, 1920, 3), np.uint8)
        cv2.putText(image, "C:\\> dir", (20, 60), cv2.FONT_HERSHEY_SIMPLEX, 2, (200, 200, 200), 3)
        cv2.putText(image, "Press any key", (20, 1040), cv2.FONT_HERSHEY_SIMPLEX, 2, (200,) * 3, 3)
        assert blank_kind(image) is None

    def test_a_mouse_pointer_leaves_a_black_screen_black(self):
        image = solid((1920, 1080), (0, 0, 0))
        pointer = np.array([[1200, 600], [1200, 630], [1208, 623], [1220, 624]], np.int32)
        cv2.fillPoly(image, [pointer], (255, 255, 255))
        assert blank_kind(captured(image, 1)) == "black"

    def test_firmware_logo_inside_a_dark_grey_bezel(self):
        image = framed(firmware_logo((1600, 900)), 60, 80, 60, 80, 32)
        assert blank_kind(captured(image, 1)) == "firmware"

    @pytest.mark.parametrize("preset", ["clean", "hdmi-grabber", "cursor", "bezel", "letterbox"])
    def test_simulated_device_screens(self, preset):
        bgr = pytest.importorskip("harness.sim.render.bgr")
        artefacts = pytest.importorskip("harness.sim.render.artefacts")
        from harness.sim.view import View

        def frame(screen: str, windows: int = 10) -> np.ndarray:
            view = View(screen=screen, windows=windows)
            return bgr.render_bgr(view, (1280, 720), artefacts.PRESETS[preset], seed=5)

        assert blank_kind(frame("off")) == "black"
        assert blank_kind(frame("black")) == "black"
        assert blank_kind(frame("firmware")) == "firmware"
        samples = pytest.importorskip("harness.sim.model.samples")
        for windows in (10, 11):
            for screen in ("options", "esp", "success", "failure"):
                view = samples.view_for(screen, windows)
                image = bgr.render_bgr(view, (1280, 720), artefacts.PRESETS[preset], seed=5)
                assert blank_kind(image) is None, (windows, screen)


# --- active area ---------------------------------------------------------------------------------


class TestActiveArea:
    def test_no_border_gives_the_whole_frame(self):
        assert active_area(esp_screen((1920, 1080))) == (0, 0, 1920, 1080)

    def test_pillarbox_4_3_in_1080p(self):
        picture = esp_screen((1440, 1080))
        image = noisy(framed(picture, 0, 240, 0, 240, 0), 4, 1)
        assert active_area(image) == (240, 0, 1440, 1080)

    def test_letterbox_with_jpeg(self):
        picture = esp_screen((1920, 800))
        image = jpeg(noisy(framed(picture, 140, 0, 140, 0, 0), 4, 1))
        x, y, w, h = active_area(image)
        assert x == 0 and w == 1920
        assert abs(y - 140) <= 2 and abs(h - 800) <= 4

    def test_dark_grey_bezel_of_uneven_width(self):
        picture = esp_screen((1600, 900))
        image = noisy(framed(picture, 57, 83, 61, 79, 25), 5, 2)
        assert active_area(image) == (83, 57, 1600, 900)

    def test_dark_coloured_windows_background_is_not_a_border(self):
        # The Windows 10 strip colour is dark but blue: it belongs to the picture.
        picture = esp_screen((1920, 1080))
        picture[:30] = (77, 43, 0)
        assert active_area(picture) == (0, 0, 1920, 1080)

    def test_black_frame_and_firmware_logo_give_the_whole_frame(self):
        assert active_area(solid((1920, 1080), (0, 0, 0))) == (0, 0, 1920, 1080)
        assert active_area(firmware_logo((1920, 1080))) == (0, 0, 1920, 1080)


# --- waiting for a still screen ------------------------------------------------------------------


@dataclass(frozen=True)
class FakeFrame:
    image: np.ndarray
    timestamp: float


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def scripted_grab(clock: FakeClock, pictures: list[tuple[float, np.ndarray]]):
    """A grab that shows each picture from its start time (seconds after the clock's start)."""
    start = clock.now
    grabs = []

    def grab() -> FakeFrame:
        elapsed = clock.now - start
        current = [image for at, image in pictures if at <= elapsed][-1]
        grabs.append(elapsed)
        return FakeFrame(captured(current, len(grabs)), clock.now)

    return grab, grabs


class TestWaitForStillScreen:
    def test_returns_once_the_screen_settles(self):
        size = (1024, 768)
        clock = FakeClock()
        pictures = [
            (0.0, esp_screen(size, status="1")),
            (1.0, esp_screen(size, status="2")),
            (2.0, esp_screen(size, status="Complete")),
        ]
        grab, grabs = scripted_grab(clock, pictures)
        frame = wait_for_still_screen(
            grab, still_s=1.5, timeout_s=10, interval_s=0.25, clock=clock, sleep=clock.sleep
        )
        assert not frames_differ(frame.image, pictures[-1][1])
        # Last change seen at 2.0 s; still for 1.5 s after it.
        assert clock.now - 100.0 == pytest.approx(3.5)
        assert grabs[-1] == pytest.approx(3.5)

    def test_times_out_when_the_screen_keeps_changing(self):
        size = (1024, 768)
        clock = FakeClock()
        pictures = [(t * 0.5, esp_screen(size, selected=t % 3)) for t in range(100)]
        grab, _ = scripted_grab(clock, pictures)
        with pytest.raises(StillScreenTimeout, match=r"did not stay still for 2 s within 5 s") as e:
            wait_for_still_screen(
                grab, still_s=2, timeout_s=5, interval_s=0.25, clock=clock, sleep=clock.sleep
            )
        assert e.value.last_frame is not None
        assert clock.now - 100.0 == pytest.approx(5.0)

    def test_noise_alone_does_not_prevent_settling(self):
        clock = FakeClock()
        grab, _ = scripted_grab(clock, [(0.0, esp_screen((1920, 1080)))])
        wait_for_still_screen(grab, still_s=1, timeout_s=2, clock=clock, sleep=clock.sleep)
        assert clock.now - 100.0 == pytest.approx(1.0)
