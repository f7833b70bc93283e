"""The Windows 11 options dialog (Windows key five times); UNCONFIRMED in the reference.

Drawn in the Windows 11 style: the title on the right half of the card, the three choices as
rounded tiles under it (the selected one tinted with an accent border), "Next" bottom right.
"""

from __future__ import annotations

from typing import Any

from harness.sim.render.canvas import Canvas
from harness.sim.render.glyphs import glyph
from harness.sim.render.palette import (
    W11_ACCENT,
    W11_LIST_BORDER,
    W11_SELECTED,
    W11_SUBTEXT,
    W11_TEXT,
    WHITE,
)
from harness.sim.render.widgets import button_row
from harness.sim.render.win10.options import tile_icon
from harness.sim.render.win11.card import SECONDARY, button_styles, layout, title
from harness.sim.render.win11.illustrations import draw_illustration

TILE_HEIGHT = 104
TILE_GAP = 14


def draw_options(canvas: Canvas, data: dict[str, Any]) -> None:
    frame = layout(canvas)
    draw_illustration(canvas, frame.illustration, "device")
    left, _, right, _ = frame.content
    y = title(
        canvas, frame.content, str(data.get("title", "What would you like to do?"))
    ) + canvas.px(20)
    selected = data.get("selected", 0)
    focus = data.get("focus", "tiles")
    radius = canvas.px(6)
    for index, tile in enumerate(data.get("tiles") or []):
        box = (left, y, right, y + canvas.px(TILE_HEIGHT))
        canvas.drawn.append(("panel", "", box))
        chosen = index == selected
        canvas.rect(
            box,
            fill=W11_SELECTED if chosen else WHITE,
            outline=W11_ACCENT if chosen else W11_LIST_BORDER,
            width=canvas.px(2) if chosen else max(1, canvas.px(1)),
            radius=radius,
        )
        if chosen and focus == "tiles":
            grow = canvas.px(5)
            canvas.rect(
                (box[0] - grow, box[1] - grow, box[2] + grow, box[3] + grow),
                outline=W11_TEXT,
                width=max(2, canvas.px(2)),
                radius=radius + grow,
            )
        name = str(tile.get("title", ""))
        side = canvas.px(40)
        canvas.paste(
            glyph(tile_icon(name, index), side, W11_ACCENT),
            (left + canvas.px(24), y + (box[3] - box[1] - side) // 2),
        )
        text_left = left + canvas.px(88)
        room = right - text_left - canvas.px(16)
        canvas.text(
            (text_left, y + canvas.px(22)),
            name,
            size=23,
            weight="semibold",
            fill=W11_TEXT,
            anchor="lt",
            max_width=room,
        )
        canvas.text(
            (text_left, y + canvas.px(60)),
            str(tile.get("description", "")),
            size=19,
            fill=W11_SUBTEXT,
            anchor="lt",
            max_width=room,
        )
        y += canvas.px(TILE_HEIGHT + TILE_GAP)
    buttons = list(data.get("buttons") or ["Next"])
    right_edge, bottom = frame.buttons_anchor
    button_row(
        canvas,
        buttons,
        right_edge,
        bottom,
        SECONDARY,
        focus,
        button_styles(buttons, data.get("primary")),
    )
