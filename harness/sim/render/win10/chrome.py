"""The frame around Windows 10 OOBE pages: the thin top strip with the section name and its
light underline, the bottom strip with the accessibility, microphone and volume icons, and
where the buttons go (reference section 5)."""

from __future__ import annotations

from harness.sim.render.canvas import Canvas
from harness.sim.render.glyphs import glyph
from harness.sim.render.palette import W10_STRIP, WHITE

TOP_STRIP = 56
BOTTOM_STRIP = 64
SECTIONS = {
    "oobe-region": "Basics",
    "oobe-keyboard": "Basics",
    "oobe-network": "Network",
    "oobe-signin": "Account",
}


def draw_strips(canvas: Canvas, section: str) -> None:
    top = canvas.px(TOP_STRIP)
    canvas.rect((0, 0, canvas.width, top), fill=W10_STRIP)
    box = canvas.text(
        (canvas.px(64), top / 2), section, size=20, weight="semibold", fill=WHITE, anchor="lm"
    )
    canvas.rect((box[0], top - canvas.px(4), box[2], top - 1), fill=(200, 225, 245))

    bottom = canvas.height - canvas.px(BOTTOM_STRIP)
    canvas.rect((0, bottom, canvas.width, canvas.height), fill=W10_STRIP)
    side = canvas.px(30)
    y = bottom + (canvas.height - bottom - side) // 2
    for index, name in enumerate(("accessibility", "microphone", "volume")):
        canvas.paste(glyph(name, side, WHITE), (canvas.px(40) + index * canvas.px(62), y))


def button_anchor(canvas: Canvas, strips: bool) -> tuple[int, int]:
    """(right, bottom) of the rightmost button: above the bottom strip when there is one."""
    margin = canvas.px(56)
    bottom = canvas.height - margin - (canvas.px(BOTTOM_STRIP) if strips else 0)
    return canvas.width - margin, bottom
