"""Screens without Windows on them: ``off``, ``black`` (pure black) and ``firmware``.

``firmware`` imitates a PC vendor's boot splash: a small grey word mark in the middle and the
boot spinner (a ring of dots) below it, on black.
"""

from __future__ import annotations

from typing import Any

from harness.sim.render.canvas import Canvas
from harness.sim.render.glyphs import glyph
from harness.sim.render.palette import FIRMWARE_DOT, FIRMWARE_LOGO

VENDOR_MARK = "SIMTEK"


def draw_nothing(canvas: Canvas, data: dict[str, Any]) -> None:
    """``off`` and ``black``: the canvas is already black."""


def draw_firmware(canvas: Canvas, data: dict[str, Any]) -> None:
    mark = str(data.get("vendor", VENDOR_MARK))
    centre_y = canvas.height * 0.42
    # A ring emblem left of a bold word mark, centred together like a vendor logo.
    face = canvas.font("bold", 64)
    ring = canvas.px(84)
    gap = canvas.px(22)
    left = canvas.cx - (ring + gap + canvas.text_width(mark, face)) // 2
    top = round(centre_y - ring / 2)
    canvas.draw.ellipse(
        (left, top, left + ring, top + ring), outline=FIRMWARE_LOGO, width=canvas.px(9)
    )
    inner = canvas.px(26)
    canvas.draw.ellipse(
        (left + inner, top + inner, left + ring - inner, top + ring - inner), fill=FIRMWARE_LOGO
    )
    canvas.text(
        (left + ring + gap, centre_y), mark, size=64, weight="bold", fill=FIRMWARE_LOGO, anchor="lm"
    )
    side = canvas.px(64)
    canvas.paste(
        glyph("spinner-dots", side, FIRMWARE_DOT),
        (canvas.cx - side // 2, round(canvas.height * 0.72)),
    )
