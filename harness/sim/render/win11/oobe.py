"""The first Windows 11 OOBE pages on the card: region, keyboard, network, work-or-school sign-in.

Titles seen (reference section 5): "Is this the right country or region?", "Is this the right
keyboard layout or input method?", "Let's set things up for your work or school" (an embedded
sign-in with a user name field and "Next").
"""

from __future__ import annotations

from typing import Any

from harness.sim.render.canvas import Canvas
from harness.sim.render.palette import (
    W11_ACCENT,
    W11_LIST_BORDER,
    W11_SELECTED,
    W11_SUBTEXT,
    W11_TEXT,
    WHITE,
)
from harness.sim.render.widgets import button_row, selection_list, text_field
from harness.sim.render.win11.card import SECONDARY, button_styles, layout, title
from harness.sim.render.win11.illustrations import draw_illustration

DEFAULT_TITLES = {
    "oobe-region": "Is this the right country or region?",
    "oobe-keyboard": "Is this the right keyboard layout or input method?",
    "oobe-network": "Let's connect you to a network",
    "oobe-signin": "Let's set things up for your work or school",
}
ILLUSTRATIONS = {
    "oobe-region": "globe",
    "oobe-keyboard": "keyboard",
    "oobe-network": "network",
    "oobe-signin": "signin",
}


def draw_oobe_page(canvas: Canvas, data: dict[str, Any], screen: str) -> None:
    frame = layout(canvas)
    draw_illustration(canvas, frame.illustration, ILLUSTRATIONS.get(screen, "globe"))
    left, _, right, _ = frame.content
    y = title(canvas, frame.content, str(data.get("title", DEFAULT_TITLES.get(screen, ""))))
    if data.get("subtitle"):
        y = canvas.wrapped(
            (left, y + canvas.px(4)),
            str(data["subtitle"]),
            size=21,
            max_width=right - left,
            fill=W11_SUBTEXT,
        )
    y += canvas.px(24)
    if screen == "oobe-signin":
        canvas.text((left, y), "Sign in", size=28, weight="semibold", fill=W11_TEXT, anchor="lt")
        y += canvas.px(56)
        text_field(
            canvas,
            (left, y, right, y + canvas.px(48)),
            str(data.get("placeholder", "someone@example.com")),
            fill=WHITE,
            text=W11_SUBTEXT,
            underline=W11_ACCENT,
            text_size=21,
        )
        canvas.text(
            (left, y + canvas.px(72)),
            str(data.get("link", "Sign-in options")),
            size=20,
            fill=W11_ACCENT,
            anchor="lt",
        )
    else:
        items = [str(item) for item in data.get("items") or []]
        if items:
            _, bottom = frame.buttons_anchor
            list_bottom = bottom - canvas.px(SECONDARY.height + 30)
            selection_list(
                canvas,
                (left, y, right, list_bottom),
                items,
                data.get("selected"),
                background=WHITE,
                selected_fill=W11_SELECTED,
                text=W11_TEXT,
                selected_text=W11_TEXT,
                border=W11_LIST_BORDER,
                row_height=46,
                text_size=21,
                radius=6,
            )
    buttons = list(data.get("buttons") or [])
    right_edge, bottom = frame.buttons_anchor
    button_row(
        canvas,
        buttons,
        right_edge,
        bottom,
        SECONDARY,
        data.get("focus", buttons[-1] if buttons else None),
        button_styles(buttons, data.get("primary")),
    )
