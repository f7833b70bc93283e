"""The Windows 10 options dialog "What would you like to do?" (Windows key five times).

As seen on a real device (reference section 1 step 3): a very large light title on the OOBE
blue, then three tiles, each an icon, a bold line and a description; the selected tile is filled
a lighter blue (about 1,98,177) and carries a dotted focus rectangle. The button row
("Continue") is UNCONFIRMED and drawn bottom right like every OOBE button.
"""

from __future__ import annotations

from typing import Any

from harness.sim.render.canvas import Canvas
from harness.sim.render.glyphs import glyph
from harness.sim.render.palette import W10_SUBTEXT, W10_TILE_SELECTED, WHITE
from harness.sim.render.widgets import W10_BUTTON_STYLE, button_row
from harness.sim.render.win10.chrome import button_anchor

TILE_ICONS = ("package", "gear", "reset")
TILE_WIDTH = 860
TILE_HEIGHT = 116
TILE_GAP = 14


def tile_icon(title: str, index: int) -> str:
    lowered = title.lower()
    if "package" in lowered:
        return "package"
    if "autopilot" in lowered:
        return "gear"
    if "reset" in lowered:
        return "reset"
    return TILE_ICONS[index % len(TILE_ICONS)]


def draw_options(canvas: Canvas, data: dict[str, Any]) -> None:
    title = str(data.get("title", "What would you like to do?"))
    left = canvas.cx - canvas.px(TILE_WIDTH / 2)
    right = canvas.cx + canvas.px(TILE_WIDTH / 2)
    canvas.title(
        (canvas.cx, canvas.px(230)),
        title,
        span=(left, right),
        size=60,
        max_width=canvas.width - canvas.px(80),
    )
    selected = data.get("selected", 0)
    focus = data.get("focus", "tiles")
    first = canvas.px(370) + canvas.px(canvas.layout.content_offset)
    for index, tile in enumerate(data.get("tiles") or []):
        top = first + index * canvas.px(TILE_HEIGHT + TILE_GAP)
        box = (left, top, right, top + canvas.px(TILE_HEIGHT))
        canvas.drawn.append(("panel", "", box))
        if index == selected:
            canvas.rect(box, fill=W10_TILE_SELECTED)
            if focus == "tiles":
                inset = canvas.px(3)
                canvas.dotted_rect((box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset))
        name = str(tile.get("title", ""))
        side = canvas.px(48)
        canvas.paste(
            glyph(tile_icon(name, index), side, WHITE),
            (left + canvas.px(34), top + (box[3] - box[1] - side) // 2),
        )
        text_left = left + canvas.px(112)
        room = right - text_left - canvas.px(24)
        canvas.text(
            (text_left, top + canvas.px(26)),
            name,
            size=27,
            weight="bold",
            anchor="lt",
            max_width=room,
        )
        canvas.text(
            (text_left, top + canvas.px(68)),
            str(tile.get("description", "")),
            size=22,
            fill=W10_SUBTEXT,
            anchor="lt",
            max_width=room,
        )
    right_edge, bottom = button_anchor(canvas, strips=False)
    button_row(
        canvas,
        list(data.get("buttons") or ["Continue"]),
        right_edge,
        bottom,
        W10_BUTTON_STYLE,
        focus,
    )
