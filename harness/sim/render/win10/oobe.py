"""The first Windows 10 OOBE pages: region, keyboard, network and the work-or-school sign-in.

The region page as seen (reference section 5): top tab "Basics", title "Let's start with region.
Is this right?", a list of countries with the selected one highlighted, button "Yes".
"""

from __future__ import annotations

from typing import Any

from harness.sim.render.canvas import Canvas
from harness.sim.render.palette import (
    W10_FIELD,
    W10_FIELD_TEXT,
    W10_LINK,
    W10_LIST_BG,
    W10_LIST_SELECTED,
    W10_SUBTEXT,
    WHITE,
)
from harness.sim.render.widgets import W10_BUTTON_STYLE, button_row, selection_list, text_field
from harness.sim.render.win10.chrome import SECTIONS, button_anchor, draw_strips

DEFAULT_TITLES = {
    "oobe-region": "Let's start with region. Is this right?",
    "oobe-keyboard": "Is this the right keyboard layout?",
    "oobe-network": "Let's connect you to a network",
    "oobe-signin": "Let's set things up for work or school",
}


def draw_oobe_page(canvas: Canvas, data: dict[str, Any], screen: str) -> None:
    draw_strips(canvas, str(data.get("section", SECTIONS.get(screen, "Basics"))))
    title = str(data.get("title", DEFAULT_TITLES.get(screen, "")))
    canvas.title(
        (canvas.cx, canvas.px(210)),
        title,
        span=(canvas.cx - canvas.px(600), canvas.cx + canvas.px(600)),
        size=54,
        max_width=canvas.width - canvas.px(120),
    )
    if data.get("subtitle"):
        canvas.wrapped(
            (canvas.cx, canvas.px(270)),
            str(data["subtitle"]),
            size=24,
            max_width=canvas.px(1100),
            fill=W10_SUBTEXT,
            align="centre",
        )

    half = canvas.px(330)
    shift = canvas.px(canvas.layout.content_offset)
    if screen == "oobe-signin":
        top = canvas.px(380) + shift
        text_field(
            canvas,
            (canvas.cx - half, top, canvas.cx + half, top + canvas.px(56)),
            str(data.get("placeholder", "someone@example.com")),
            fill=W10_FIELD,
            text=W10_FIELD_TEXT,
            underline=W10_LIST_SELECTED,
        )
        canvas.text(
            (canvas.cx - half, top + canvas.px(90)),
            str(data.get("link", "Sign-in options")),
            size=22,
            fill=W10_LINK,
            anchor="lt",
        )
    else:
        items = [str(item) for item in data.get("items") or []]
        if items:
            top = canvas.px(340) + shift
            selection_list(
                canvas,
                (canvas.cx - half, top, canvas.cx + half, top + canvas.px(50 * 8)),
                items,
                data.get("selected"),
                background=W10_LIST_BG,
                selected_fill=W10_LIST_SELECTED,
                text=WHITE,
                selected_text=WHITE,
            )
    right, bottom = button_anchor(canvas, strips=True)
    buttons = list(data.get("buttons") or [])
    button_row(
        canvas,
        buttons,
        right,
        bottom,
        W10_BUTTON_STYLE,
        data.get("focus", buttons[-1] if buttons else None),
    )
