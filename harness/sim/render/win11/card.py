"""The Windows 11 OOBE frame: backdrop, white rounded card, accessibility icon, buttons.

Reference section 5: a white rounded card (about 249,250,252) on a soft blue-grey backdrop
(about 216,227,236), an illustration on the left half of the card, the title and controls on the
right half, dark text, buttons bottom right of the card with the primary one accent blue (about
44,103,187), and an accessibility icon at the very bottom right of the screen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from PIL import Image

from harness.sim.render.canvas import Box, Canvas
from harness.sim.render.glyphs import glyph
from harness.sim.render.layout import Layout
from harness.sim.render.palette import (
    W11_ACCENT,
    W11_BACKDROP,
    W11_CARD,
    W11_CARD_BORDER,
    W11_SECONDARY,
    W11_SECONDARY_BORDER,
    W11_TEXT,
    WHITE,
)
from harness.sim.render.widgets import ButtonStyle

CARD_WIDTH = 1560
CARD_HEIGHT = 840
CARD_TOP = 104
CARD_RADIUS = 14
PADDING = 56

SECONDARY = ButtonStyle(
    fill=W11_SECONDARY,
    text=W11_TEXT,
    border=W11_SECONDARY_BORDER,
    focus=W11_TEXT,
    focus_outside=True,
    radius=5,
    height=50,
    min_width=150,
    text_size=22,
)
PRIMARY = replace(SECONDARY, fill=W11_ACCENT, text=WHITE, border=None)


@dataclass(frozen=True)
class CardLayout:
    card: Box
    illustration: Box  # left half
    content: Box  # right half, inside the padding
    pad: int

    @property
    def buttons_anchor(self) -> tuple[int, int]:
        """(right, bottom) of the rightmost button: the card's bottom-right, inside the padding
        (also when the halves are mirrored)."""
        return self.card[2] - self.pad, self.card[3] - self.pad


def card_box(canvas_width: int, canvas_height: int, scale: float = 1.0) -> Box:
    unit = canvas_height / 1080 * scale
    width = min(canvas_width - round(2 * 60 * unit), round(CARD_WIDTH * unit))
    height = round(CARD_HEIGHT * unit)
    left = (canvas_width - width) // 2
    top = round(CARD_TOP * unit)
    return left, top, left + width, top + height


def layout(canvas: Canvas, mirrored: bool = False) -> CardLayout:
    """The card's halves; ``mirrored`` swaps them (the picture right, the content left)."""
    card = card_box(canvas.width, canvas.height, canvas.layout.scale)
    middle = (card[0] + card[2]) // 2
    pad = canvas.px(PADDING)
    left_half = (card[0] + pad, card[1] + pad, middle - pad // 2, card[3] - pad)
    right_half = (middle + pad // 2, card[1] + pad, card[2] - pad, card[3] - pad)
    return CardLayout(
        card=card,
        illustration=right_half if mirrored else left_half,
        content=left_half if mirrored else right_half,
        pad=pad,
    )


@lru_cache(maxsize=8)
def _background(width: int, height: int, scale: float, card_shown: bool) -> Image.Image:
    image = Image.new("RGB", (width, height), W11_BACKDROP)
    canvas = Canvas(image, Layout(scale=scale))
    card = card_box(width, height, scale)
    if card_shown:
        canvas.rect(
            card,
            fill=W11_CARD,
            outline=W11_CARD_BORDER,
            width=max(1, canvas.px(1)),
            radius=canvas.px(CARD_RADIUS),
        )
    side = canvas.px(34)
    canvas.paste(
        glyph("accessibility", side, W11_TEXT),
        (width - canvas.px(30) - side, height - canvas.px(26) - side),
    )
    return image


def card_background(
    width: int, height: int, scale: float = 1.0, card_shown: bool = True
) -> Image.Image:
    """A fresh copy of the cached backdrop (with the card unless ``card_shown`` is False)."""
    return _background(width, height, scale, card_shown).copy()


def button_styles(labels: list[str], primary: str | None) -> dict[str, ButtonStyle]:
    """Every button light except the primary one (by default the rightmost), which is accent."""
    chosen = primary if primary is not None else (labels[-1] if labels else None)
    return {label: (PRIMARY if label == chosen else SECONDARY) for label in labels}


def title(canvas: Canvas, content: Box, text: str, size: float = 40) -> int:
    """The semibold dark title at the top of the content half, wrapped; returns the y below it
    (moved by the layout's content offset, so the details follow the title)."""
    below = canvas.title_wrapped(
        content[0],
        content[2],
        content[1] + canvas.px(10),
        text,
        size=size,
        weight="semibold",
        fill=W11_TEXT,
        line_gap=1.25,
    )
    return below + canvas.px(10) + canvas.px(canvas.layout.content_offset)
