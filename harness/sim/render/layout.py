"""``Layout``: how a screen arranges what it shows, within what the reference documents.

The normal simulator draws every screen one way (``Layout()``, the default: each screen's own
look). The randomized corpus (``harness.sim.render.corpus``) draws each frame with a
``random_layout``, so that vision cannot be fitted to where this simulator happens to put
things: the title moves and grows, labels and values change arrangement, the QR code changes
side, Windows 11 loses its card, the typeface and the display scaling change.

Every variation stays within /work/shared/reference/autopilot-flow.md: the same texts, colours
and elements per screen; only their placement, size and typeface vary. Stdlib only (the renderer
also runs inside the stand-in guest).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from harness.errors import ConfigError
from harness.sim.render.fonts import DEFAULT_FAMILY, FAMILIES

TitleAlign = Literal["screen", "centre", "left"]
FieldArrangement = Literal["screen", "columns", "inline", "stacked"]
QrSide = Literal["screen", "left", "right"]
EspLinks = Literal["right", "inline"]

TITLE_ALIGNS: tuple[TitleAlign, ...] = ("screen", "centre", "left")
ARRANGEMENTS: tuple[FieldArrangement, ...] = ("screen", "columns", "inline", "stacked")
QR_SIDES: tuple[QrSide, ...] = ("screen", "left", "right")
ESP_LINKS: tuple[EspLinks, ...] = ("right", "inline")

# The widest content block of any screen, in design pixels (canvas.py: 4:3 of 1080).
_CONTENT_WIDTH = 1440


@dataclass(frozen=True)
class Layout:
    """Placement choices for one frame; ``"screen"`` means the screen's own default."""

    title_align: TitleAlign = "screen"
    """``centre`` over the content, or ``left`` at the content's left edge."""
    title_offset: float = 0.0
    """Design pixels the title moves down (negative: up)."""
    title_scale: float = 1.0
    """Factor on the title's font size."""
    fields: FieldArrangement = "screen"
    """Configuration and result details: ``columns`` (bold labels left, values right-aligned),
    ``inline`` ("Label: value" on one line) or ``stacked`` (the value under its label)."""
    qr_side: QrSide = "screen"
    """Which side of the details the QR code sits on."""
    card: bool = True
    """Windows 11: the white rounded card on the backdrop; False draws straight on the backdrop."""
    font_family: str = DEFAULT_FAMILY
    """A key of ``harness.sim.render.fonts.FAMILIES``."""
    scale: float = 1.0
    """Display scaling on top of the resolution's own (0.85 = everything 15 % smaller)."""
    content_offset: float = 0.0
    """Design pixels the content block under the title moves down (negative: up)."""
    esp_links: EspLinks = "right"
    """ESP "Show details" links right-aligned, or ``inline`` right after the phase name (as on
    the real Windows 10 ESP of the calibration set)."""

    def __post_init__(self) -> None:
        checks = (
            ("title_align", self.title_align in TITLE_ALIGNS, TITLE_ALIGNS),
            ("fields", self.fields in ARRANGEMENTS, ARRANGEMENTS),
            ("qr_side", self.qr_side in QR_SIDES, QR_SIDES),
            ("font_family", self.font_family in FAMILIES, tuple(FAMILIES)),
            ("esp_links", self.esp_links in ESP_LINKS, ESP_LINKS),
        )
        for key, ok, known in checks:
            if not ok:
                raise ConfigError(
                    f"unknown {key} {getattr(self, key)!r}; known: {', '.join(known)}",
                    source="sim layout",
                    key=key,
                )
        ranges = (
            ("title_offset", self.title_offset, -60.0, 60.0),
            ("title_scale", self.title_scale, 0.7, 1.3),
            ("scale", self.scale, 0.7, 1.3),
            ("content_offset", self.content_offset, -60.0, 60.0),
        )
        for key, value, low, high in ranges:
            if not low <= value <= high:
                raise ConfigError(
                    f"{key} must be {low}..{high}, got {value}", source="sim layout", key=key
                )


DEFAULT_LAYOUT = Layout()


def random_layout(
    rng: random.Random, size: tuple[int, int], families: tuple[str, ...] = tuple(FAMILIES)
) -> Layout:
    """A layout drawn from ``rng`` for a frame of ``size`` (width, height).

    Display scaling is capped so the widest content block still fits the width (a 4:3 screen
    has no room to grow). ``families`` limits the typefaces to the installed ones.
    """
    width, height = size
    room = width / (_CONTENT_WIDTH * height / 1080)
    return Layout(
        title_align=rng.choice(TITLE_ALIGNS),
        title_offset=round(rng.uniform(-30, 30), 1),
        title_scale=round(rng.uniform(0.85, 1.15), 3),
        fields=rng.choice(ARRANGEMENTS),
        qr_side=rng.choice(QR_SIDES),
        card=rng.random() < 0.7,
        font_family=rng.choice(families or (DEFAULT_FAMILY,)),
        scale=round(rng.uniform(0.85, max(0.86, min(1.1, room))), 3),
        content_offset=round(rng.uniform(-15, 35), 1),
        esp_links=rng.choice(ESP_LINKS),
    )


def describe(layout: Layout) -> str:
    """A short human summary of what differs from the default (for figures and notes)."""
    parts = []
    for key, default in vars(DEFAULT_LAYOUT).items():
        value = getattr(layout, key)
        if value != default:
            parts.append(f"{key}={value}")
    return ", ".join(parts) or "default"
