"""The Windows 10 OOBE error page "Something went wrong" (title, message, code, buttons)."""

from __future__ import annotations

from typing import Any

from harness.sim.render.canvas import Canvas
from harness.sim.render.palette import W10_SUBTEXT
from harness.sim.render.widgets import W10_BUTTON_STYLE, button_row
from harness.sim.render.win10.chrome import button_anchor


def draw_went_wrong(canvas: Canvas, data: dict[str, Any]) -> None:
    title = str(data.get("title", "Something went wrong"))
    canvas.title(
        (canvas.cx, canvas.px(300)),
        title,
        span=(canvas.cx - canvas.px(500), canvas.cx + canvas.px(500)),
        size=58,
        max_width=canvas.width - canvas.px(80),
    )
    y = canvas.px(380) + canvas.px(canvas.layout.content_offset)
    if data.get("message"):
        y = canvas.wrapped(
            (canvas.cx, y), str(data["message"]), size=26, max_width=canvas.px(1000), align="centre"
        )
    if data.get("code"):
        canvas.text(
            (canvas.cx, y + canvas.px(24)),
            str(data["code"]),
            size=22,
            fill=W10_SUBTEXT,
            anchor="mt",
        )
    right, bottom = button_anchor(canvas, strips=False)
    buttons = list(data.get("buttons") or ["Try again", "Skip"])
    button_row(canvas, buttons, right, bottom, W10_BUTTON_STYLE, data.get("focus", buttons[0]))
