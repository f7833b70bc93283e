"""The Windows 11 OOBE error page "Something went wrong" on the card."""

from __future__ import annotations

from typing import Any

from harness.sim.render.canvas import Canvas
from harness.sim.render.palette import W11_SUBTEXT, W11_TEXT
from harness.sim.render.widgets import button_row
from harness.sim.render.win11.card import SECONDARY, button_styles, layout, title
from harness.sim.render.win11.illustrations import draw_illustration


def draw_went_wrong(canvas: Canvas, data: dict[str, Any]) -> None:
    frame = layout(canvas)
    draw_illustration(canvas, frame.illustration, "warning")
    left, _, right, _ = frame.content
    y = title(canvas, frame.content, str(data.get("title", "Something went wrong"))) + canvas.px(10)
    if data.get("message"):
        y = canvas.wrapped(
            (left, y), str(data["message"]), size=22, max_width=right - left, fill=W11_TEXT
        )
    if data.get("code"):
        canvas.text(
            (left, y + canvas.px(16)), str(data["code"]), size=19, fill=W11_SUBTEXT, anchor="lt"
        )
    buttons = list(data.get("buttons") or ["Try again", "Skip"])
    right_edge, bottom = frame.buttons_anchor
    button_row(
        canvas,
        buttons,
        right_edge,
        bottom,
        SECONDARY,
        data.get("focus", buttons[0]),
        button_styles(buttons, data.get("primary", buttons[0])),
    )
