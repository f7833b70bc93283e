"""Simple flat illustrations for the left half of the Windows 11 card (Pillow shapes only)."""

from __future__ import annotations

import math
from functools import lru_cache

from PIL import Image, ImageDraw

from harness.sim.render.canvas import Box, Canvas
from harness.sim.render.palette import W11_ILLUSTRATION

_PALE, _MID, _DEEP, _HALO, _WHITE = W11_ILLUSTRATION
_SUPERSAMPLE = 2


def _globe(draw: ImageDraw.ImageDraw, s: int) -> None:
    c, r = s / 2, s * 0.3
    draw.ellipse((c - r, c - r, c + r, c + r), fill=_MID, outline=_DEEP, width=max(2, s // 80))
    for k in (0.35, 0.7):
        draw.ellipse((c - r * k, c - r, c + r * k, c + r), outline=_PALE, width=max(2, s // 120))
    for dy in (-0.5, 0, 0.5):
        half = r * math.sqrt(1 - dy * dy)
        draw.line(
            [(c - half, c + dy * r), (c + half, c + dy * r)], fill=_PALE, width=max(2, s // 120)
        )


def _keyboard(draw: ImageDraw.ImageDraw, s: int) -> None:
    left, top, right, bottom = s * 0.18, s * 0.36, s * 0.82, s * 0.64
    draw.rounded_rectangle((left, top, right, bottom), radius=s * 0.03, fill=_MID)
    key = (right - left) / 10
    for row in range(3):
        for col in range(9):
            x = left + key * 0.5 + col * key
            y = top + key * 0.4 + row * key * 0.95
            draw.rounded_rectangle(
                (x, y, x + key * 0.75, y + key * 0.65), radius=key * 0.1, fill=_WHITE
            )


def _network(draw: ImageDraw.ImageDraw, s: int) -> None:
    c = s / 2
    for index, radius in enumerate((0.32, 0.23, 0.14)):
        r = s * radius
        draw.arc(
            (c - r, c - r + s * 0.1, c + r, c + r + s * 0.1),
            start=225,
            end=315,
            fill=(_DEEP, _MID, _DEEP)[index],
            width=max(3, s // 28),
        )
    dot = s * 0.03
    draw.ellipse((c - dot, c + s * 0.1 - dot, c + dot, c + s * 0.1 + dot), fill=_DEEP)


def _signin(draw: ImageDraw.ImageDraw, s: int) -> None:
    draw.rectangle((s * 0.26, s * 0.3, s * 0.52, s * 0.74), fill=_MID)
    for row in range(4):
        for col in range(2):
            x, y = s * (0.3 + col * 0.11), s * (0.35 + row * 0.09)
            draw.rectangle((x, y, x + s * 0.06, y + s * 0.05), fill=_PALE)
    draw.ellipse((s * 0.55, s * 0.34, s * 0.71, s * 0.5), fill=_DEEP)
    draw.pieslice((s * 0.48, s * 0.52, s * 0.78, s * 0.9), start=180, end=360, fill=_DEEP)


def _device(draw: ImageDraw.ImageDraw, s: int) -> None:
    draw.rounded_rectangle((s * 0.22, s * 0.3, s * 0.78, s * 0.64), radius=s * 0.02, fill=_DEEP)
    draw.rectangle((s * 0.25, s * 0.33, s * 0.75, s * 0.61), fill=_PALE)
    draw.rounded_rectangle((s * 0.14, s * 0.65, s * 0.86, s * 0.69), radius=s * 0.02, fill=_MID)
    draw.ellipse((s * 0.42, s * 0.39, s * 0.58, s * 0.55), outline=_DEEP, width=max(3, s // 40))
    draw.line(
        [(s * 0.5, s * 0.41), (s * 0.5, s * 0.47), (s * 0.55, s * 0.5)],
        fill=_DEEP,
        width=max(3, s // 60),
    )


def _warning(draw: ImageDraw.ImageDraw, s: int) -> None:
    draw.polygon([(s * 0.5, s * 0.26), (s * 0.78, s * 0.72), (s * 0.22, s * 0.72)], fill=_MID)
    draw.line([(s * 0.5, s * 0.4), (s * 0.5, s * 0.58)], fill=_WHITE, width=max(4, s // 30))
    draw.ellipse((s * 0.48, s * 0.62, s * 0.52, s * 0.66), fill=_WHITE)


_PAINTERS = {
    "globe": _globe,
    "keyboard": _keyboard,
    "network": _network,
    "signin": _signin,
    "device": _device,
    "warning": _warning,
}


@lru_cache(maxsize=32)
def _illustration(name: str, side: int) -> Image.Image:
    big = side * _SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    halo = big * 0.44
    draw.ellipse((big / 2 - halo, big / 2 - halo, big / 2 + halo, big / 2 + halo), fill=_HALO)
    _PAINTERS[name](draw, big)
    return image.resize((side, side), Image.Resampling.LANCZOS)


def draw_illustration(canvas: Canvas, box: Box, name: str) -> None:
    """The illustration ``name`` centred in ``box`` (the left half of the card)."""
    side = max(8, min(box[2] - box[0], box[3] - box[1]) * 4 // 5)
    x = (box[0] + box[2] - side) // 2
    y = (box[1] + box[3] - side) // 2
    canvas.paste(_illustration(name, side), (x, y))
