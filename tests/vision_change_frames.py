"""Frames for tests/test_vision_change.py: the simulator's screens, captured like a grabber does
(noise, then JPEG), with animation drawn on them (progress dots, a spinner, a pointer, a caret)."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from harness.sim.model import samples
from harness.sim.render.bgr import render_bgr
from harness.sim.view import View
from harness.vision.change import Change, ChangeDetector

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
