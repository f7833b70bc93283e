"""The Windows 11 Enrollment Status Page on the card: illustration left, phases right."""

from __future__ import annotations

from typing import Any

from harness.sim.render.canvas import Canvas
from harness.sim.render.esp_rows import EspLook, draw_phases
from harness.sim.render.palette import W11_ACCENT, W11_SUBTEXT, W11_TEXT
from harness.sim.render.widgets import button_row
from harness.sim.render.win11.card import SECONDARY, button_styles, layout, title
from harness.sim.render.win11.illustrations import draw_illustration

LOOK = EspLook(
    text=W11_TEXT,
    subtext=W11_SUBTEXT,
    link=W11_ACCENT,
    icon=W11_TEXT,
    name_size=23,
    status_size=19,
    row_height=92,
    substep_height=29,
)


def draw_esp(canvas: Canvas, data: dict[str, Any]) -> None:
    frame = layout(canvas)
    draw_illustration(canvas, frame.illustration, "device")
    left, _, right, _ = frame.content
    y = title(
        canvas, frame.content, str(data.get("title", "Setting up your device for work")), size=36
    )
    if data.get("subtitle"):
        y = canvas.wrapped(
            (left, y), str(data["subtitle"]), size=19, max_width=right - left, fill=W11_SUBTEXT
        )
    draw_phases(canvas, list(data.get("phases") or []), left, right, y + canvas.px(26), LOOK)
    buttons = list(data.get("buttons") or [])
    if buttons:
        right_edge, bottom = frame.buttons_anchor
        button_row(
            canvas,
            buttons,
            right_edge,
            bottom,
            SECONDARY,
            data.get("focus"),
            button_styles(buttons, data.get("primary")),
        )
