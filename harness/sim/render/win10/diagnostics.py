"""The Windows 10 diagnostics page ("View diagnostics" on the red screen).

Only the Windows 11 page was seen (reference section 1 step 6); the Windows 10 page is drawn with
the same content on the OOBE blue: the title, each group's name and its rows with a tick,
progress ring, warning or cross, the detail right-aligned, and buttons bottom right.
"""

from __future__ import annotations

from typing import Any

from harness.sim.render.canvas import Canvas
from harness.sim.render.diagnostics_rows import DiagnosticsLook, draw_sections
from harness.sim.render.palette import W10_LINK, W10_SUBTEXT, WHITE
from harness.sim.render.widgets import W10_BUTTON_STYLE, button_row
from harness.sim.render.win10.chrome import button_anchor

LOOK = DiagnosticsLook(
    text=WHITE, subtext=W10_SUBTEXT, link=W10_LINK, ring=W10_LINK, rule=(40, 100, 150)
)
COLUMN = 1200


def draw_diagnostics(canvas: Canvas, data: dict[str, Any]) -> None:
    left = canvas.cx - canvas.px(COLUMN / 2)
    right = left + canvas.px(COLUMN)
    title = str(data.get("title", "Windows Autopilot diagnostics"))
    canvas.title(
        (left, canvas.px(90)),
        title,
        span=(left, right),
        size=48,
        anchor="lt",
        max_width=right - left,
    )
    top = canvas.px(190) + canvas.px(canvas.layout.content_offset)
    draw_sections(canvas, data, left, right, top, LOOK)
    right_edge, bottom = button_anchor(canvas, strips=False)
    button_row(
        canvas,
        list(data.get("buttons") or ["Close", "Export logs"]),
        right_edge,
        bottom,
        W10_BUTTON_STYLE,
        data.get("focus"),
    )
