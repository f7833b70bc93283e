"""The Windows 10 Enrollment Status Page: "Setting up your device for work" on the ESP blue."""

from __future__ import annotations

from typing import Any

from harness.sim.render.canvas import Canvas
from harness.sim.render.esp_rows import EspLook, draw_phases
from harness.sim.render.palette import W10_LINK, W10_SUBTEXT, WHITE
from harness.sim.render.widgets import W10_BUTTON_STYLE, button_row
from harness.sim.render.win10.chrome import button_anchor

LOOK = EspLook(text=WHITE, subtext=W10_SUBTEXT, link=W10_LINK, icon=WHITE)
COLUMN = 820


def draw_esp(canvas: Canvas, data: dict[str, Any]) -> None:
    title = str(data.get("title", "Setting up your device for work"))
    left = canvas.cx - canvas.px(COLUMN / 2)
    canvas.title(
        (canvas.cx, canvas.px(170)),
        title,
        span=(left, left + canvas.px(COLUMN)),
        size=56,
        max_width=canvas.width - canvas.px(80),
    )
    below = canvas.px(240)
    if data.get("subtitle"):
        below = canvas.wrapped(
            (canvas.cx, canvas.px(226)),
            str(data["subtitle"]),
            size=24,
            max_width=canvas.px(1100),
            fill=W10_SUBTEXT,
            align="centre",
        )
    draw_phases(
        canvas,
        list(data.get("phases") or []),
        left,
        left + canvas.px(COLUMN),
        below + canvas.px(50) + canvas.px(canvas.layout.content_offset),
        LOOK,
    )
    buttons = list(data.get("buttons") or [])
    if buttons:
        right, bottom = button_anchor(canvas, strips=False)
        button_row(canvas, buttons, right, bottom, W10_BUTTON_STYLE, data.get("focus"))
