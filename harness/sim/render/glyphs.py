"""Small icons (status badges, OOBE strip icons, phase and tile icons) as cached RGBA tiles.

Each icon is painted four times larger and scaled down, which gives smooth edges with plain
Pillow; tiles are cached by (name, size, colour), so a screen re-renders its icons for free.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache

from PIL import Image, ImageDraw

from harness.sim.render.palette import (
    CROSS_RED,
    RGB,
    TICK_GREEN,
    WARNING_AMBER,
    WHITE,
)

_SUPERSAMPLE = 4
Painter = Callable[[ImageDraw.ImageDraw, int, RGB], None]


def _tile(size: int, colour: RGB, painter: Painter) -> Image.Image:
    big = max(4, size) * _SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    painter(ImageDraw.Draw(image), big, colour)
    return image.resize((max(1, size), max(1, size)), Image.Resampling.LANCZOS)


def _ok(draw: ImageDraw.ImageDraw, s: int, colour: RGB) -> None:
    draw.ellipse((0, 0, s - 1, s - 1), fill=TICK_GREEN)
    w = max(2, s // 9)
    draw.line(
        [(s * 0.27, s * 0.52), (s * 0.44, s * 0.68), (s * 0.74, s * 0.34)],
        fill=WHITE,
        width=w,
        joint="curve",
    )


def _failed(draw: ImageDraw.ImageDraw, s: int, colour: RGB) -> None:
    draw.ellipse((0, 0, s - 1, s - 1), fill=CROSS_RED)
    w = max(2, s // 9)
    a, b = s * 0.32, s * 0.68
    draw.line([(a, a), (b, b)], fill=WHITE, width=w)
    draw.line([(a, b), (b, a)], fill=WHITE, width=w)


def _working(draw: ImageDraw.ImageDraw, s: int, colour: RGB) -> None:
    # The Windows progress ring caught mid-turn: a few dots of decreasing size on a circle.
    radius = s * 0.38
    for index in range(6):
        angle = math.radians(-90 + index * 38)
        dot = s * (0.11 - index * 0.012)
        x = s / 2 + radius * math.cos(angle)
        y = s / 2 + radius * math.sin(angle)
        draw.ellipse((x - dot, y - dot, x + dot, y + dot), fill=colour)


def _waiting(draw: ImageDraw.ImageDraw, s: int, colour: RGB) -> None:
    w = max(2, s // 14)
    draw.ellipse((w, w, s - 1 - w, s - 1 - w), outline=colour, width=w)


def _warning(draw: ImageDraw.ImageDraw, s: int, colour: RGB) -> None:
    draw.polygon(
        [(s * 0.5, s * 0.04), (s * 0.98, s * 0.92), (s * 0.02, s * 0.92)], fill=WARNING_AMBER
    )
    w = max(2, s // 10)
    draw.line([(s * 0.5, s * 0.32), (s * 0.5, s * 0.64)], fill=(0, 0, 0), width=w)
    draw.ellipse(
        (s * 0.5 - w * 0.6, s * 0.72, s * 0.5 + w * 0.6, s * 0.72 + w * 1.2), fill=(0, 0, 0)
    )


def _accessibility(draw: ImageDraw.ImageDraw, s: int, colour: RGB) -> None:
    w = max(2, s // 14)
    draw.ellipse((w, w, s - 1 - w, s - 1 - w), outline=colour, width=w)
    head = s * 0.07
    draw.ellipse((s / 2 - head, s * 0.2, s / 2 + head, s * 0.2 + 2 * head), fill=colour)
    draw.line([(s * 0.27, s * 0.38), (s * 0.73, s * 0.38)], fill=colour, width=w)
    draw.line([(s * 0.5, s * 0.38), (s * 0.5, s * 0.58)], fill=colour, width=w)
    draw.line([(s * 0.5, s * 0.58), (s * 0.36, s * 0.8)], fill=colour, width=w)
    draw.line([(s * 0.5, s * 0.58), (s * 0.64, s * 0.8)], fill=colour, width=w)


def _microphone(draw: ImageDraw.ImageDraw, s: int, colour: RGB) -> None:
    w = max(2, s // 14)
    draw.rounded_rectangle(
        (s * 0.38, s * 0.08, s * 0.62, s * 0.6), radius=s * 0.12, outline=colour, width=w
    )
    draw.arc((s * 0.25, s * 0.3, s * 0.75, s * 0.75), start=0, end=180, fill=colour, width=w)
    draw.line([(s * 0.5, s * 0.75), (s * 0.5, s * 0.92)], fill=colour, width=w)
    draw.line([(s * 0.35, s * 0.92), (s * 0.65, s * 0.92)], fill=colour, width=w)


def _volume(draw: ImageDraw.ImageDraw, s: int, colour: RGB) -> None:
    w = max(2, s // 14)
    draw.polygon(
        [
            (s * 0.1, s * 0.38),
            (s * 0.28, s * 0.38),
            (s * 0.5, s * 0.18),
            (s * 0.5, s * 0.82),
            (s * 0.28, s * 0.62),
            (s * 0.1, s * 0.62),
        ],
        outline=colour,
        width=w,
    )
    draw.arc((s * 0.4, s * 0.3, s * 0.7, s * 0.7), start=-60, end=60, fill=colour, width=w)
    draw.arc((s * 0.35, s * 0.15, s * 0.9, s * 0.85), start=-60, end=60, fill=colour, width=w)


def _laptop(draw: ImageDraw.ImageDraw, s: int, colour: RGB) -> None:
    w = max(2, s // 16)
    draw.rectangle((s * 0.16, s * 0.2, s * 0.84, s * 0.66), outline=colour, width=w)
    draw.line([(s * 0.04, s * 0.76), (s * 0.96, s * 0.76)], fill=colour, width=w)


def _shield_laptop(draw: ImageDraw.ImageDraw, s: int, colour: RGB) -> None:
    _laptop(draw, s, colour)
    w = max(2, s // 18)
    draw.polygon(
        [
            (s * 0.5, s * 0.28),
            (s * 0.64, s * 0.33),
            (s * 0.62, s * 0.5),
            (s * 0.5, s * 0.58),
            (s * 0.38, s * 0.5),
            (s * 0.36, s * 0.33),
        ],
        outline=colour,
        width=w,
    )


def _person(draw: ImageDraw.ImageDraw, s: int, colour: RGB) -> None:
    w = max(2, s // 16)
    draw.ellipse((s * 0.33, s * 0.1, s * 0.67, s * 0.44), outline=colour, width=w)
    draw.arc((s * 0.15, s * 0.5, s * 0.85, s * 1.2), start=180, end=360, fill=colour, width=w)


def _package(draw: ImageDraw.ImageDraw, s: int, colour: RGB) -> None:
    w = max(2, s // 16)
    draw.polygon(
        [
            (s * 0.5, s * 0.1),
            (s * 0.9, s * 0.3),
            (s * 0.9, s * 0.72),
            (s * 0.5, s * 0.92),
            (s * 0.1, s * 0.72),
            (s * 0.1, s * 0.3),
        ],
        outline=colour,
        width=w,
    )
    draw.line([(s * 0.1, s * 0.3), (s * 0.5, s * 0.5), (s * 0.9, s * 0.3)], fill=colour, width=w)
    draw.line([(s * 0.5, s * 0.5), (s * 0.5, s * 0.92)], fill=colour, width=w)


def _gear(draw: ImageDraw.ImageDraw, s: int, colour: RGB) -> None:
    w = max(2, s // 16)
    for index in range(8):
        angle = math.radians(index * 45)
        x0, y0 = s / 2 + s * 0.28 * math.cos(angle), s / 2 + s * 0.28 * math.sin(angle)
        x1, y1 = s / 2 + s * 0.44 * math.cos(angle), s / 2 + s * 0.44 * math.sin(angle)
        draw.line([(x0, y0), (x1, y1)], fill=colour, width=w * 2)
    draw.ellipse((s * 0.2, s * 0.2, s * 0.8, s * 0.8), outline=colour, width=w)
    draw.ellipse((s * 0.38, s * 0.38, s * 0.62, s * 0.62), outline=colour, width=w)


def _reset(draw: ImageDraw.ImageDraw, s: int, colour: RGB) -> None:
    w = max(2, s // 16)
    draw.arc((s * 0.12, s * 0.12, s * 0.88, s * 0.88), start=-20, end=290, fill=colour, width=w)
    tip = (s * 0.86, s * 0.34)
    draw.polygon(
        [tip, (tip[0] - s * 0.2, tip[1] - s * 0.02), (tip[0] - s * 0.04, tip[1] - s * 0.2)],
        fill=colour,
    )


def _spinner_dots(draw: ImageDraw.ImageDraw, s: int, colour: RGB) -> None:
    # The firmware/boot spinner: a ring of dots, the leading ones brighter and larger.
    radius = s * 0.4
    for index in range(10):
        angle = math.radians(-90 + index * 30)
        dot = s * 0.055 * (1 - index * 0.06)
        x = s / 2 + radius * math.cos(angle)
        y = s / 2 + radius * math.sin(angle)
        shade = tuple(int(c * (1 - index * 0.07)) for c in colour)
        draw.ellipse((x - dot, y - dot, x + dot, y + dot), fill=shade)


_PAINTERS: dict[str, Painter] = {
    "ok": _ok,
    "failed": _failed,
    "working": _working,
    "waiting": _waiting,
    "warning": _warning,
    "accessibility": _accessibility,
    "microphone": _microphone,
    "volume": _volume,
    "laptop": _laptop,
    "shield-laptop": _shield_laptop,
    "person": _person,
    "package": _package,
    "gear": _gear,
    "reset": _reset,
    "spinner-dots": _spinner_dots,
}

GLYPHS = tuple(_PAINTERS)


@lru_cache(maxsize=512)
def glyph(name: str, size: int, colour: RGB = WHITE) -> Image.Image:
    """The RGBA tile of glyph ``name`` at ``size`` x ``size`` pixels, drawn in ``colour``."""
    return _tile(size, colour, _PAINTERS[name])


def status_glyph(status: str) -> str:
    """The badge for a status text shown on the ESP or a diagnostics state (``ok``...)."""
    text = status.strip().lower()
    counted = re.match(r"(\d+) of (\d+)", text)
    if counted:
        return "ok" if counted.group(1) == counted.group(2) else "working"
    if text.startswith("failed") or text in {"previous step failed", "error"}:
        return "failed"
    if text in {"ok", "complete", "completed", "no setup needed", "success"}:
        return "ok"
    if text == "warning":
        return "warning"
    if text.startswith("waiting") or text == "identifying":
        return "waiting"
    return "working"
