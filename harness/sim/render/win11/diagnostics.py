"""The Windows 11 diagnostics page (Ctrl+Shift+D), as seen (reference section 1 step 6).

A white card titled "Windows Autopilot diagnostics", a section "Deployment info" with "Hide
details", groups "Network Connectivity", "Autopilot Settings", "Enrollment Status" whose rows
carry a tick, a progress ring or a warning icon, and the buttons "Close" and "Export logs".
"""

from __future__ import annotations

from typing import Any

from harness.sim.render.canvas import Canvas
from harness.sim.render.diagnostics_rows import DiagnosticsLook, draw_sections
from harness.sim.render.palette import W11_ACCENT, W11_CARD, W11_CARD_BORDER, W11_SUBTEXT, W11_TEXT
from harness.sim.render.widgets import button_row
from harness.sim.render.win11.card import CARD_RADIUS, SECONDARY, button_styles

LOOK = DiagnosticsLook(
    text=W11_TEXT,
    subtext=W11_SUBTEXT,
    link=W11_ACCENT,
    ring=W11_ACCENT,
    rule=W11_CARD_BORDER,
    row_size=20,
    row_height=36,
)
COLUMN = 1300


def draw_diagnostics(canvas: Canvas, data: dict[str, Any]) -> None:
    width = min(canvas.width - canvas.px(80), canvas.px(COLUMN + 120))
    card = (
        canvas.cx - width // 2,
        canvas.px(40),
        canvas.cx + width // 2,
        canvas.height - canvas.px(40),
    )
    if canvas.layout.card:
        canvas.rect(
            card,
            fill=W11_CARD,
            outline=W11_CARD_BORDER,
            width=max(1, canvas.px(1)),
            radius=canvas.px(CARD_RADIUS),
        )
    pad = canvas.px(56)
    left, right = card[0] + pad, card[2] - pad
    canvas.title(
        (left, card[1] + pad),
        str(data.get("title", "Windows Autopilot diagnostics")),
        span=(left, right),
        size=38,
        weight="semibold",
        fill=W11_TEXT,
        anchor="lt",
        max_width=right - left,
    )
    top = card[1] + pad + canvas.px(76) + canvas.px(canvas.layout.content_offset)
    draw_sections(canvas, data, left, right, top, LOOK)
    buttons = list(data.get("buttons") or ["Close", "Export logs"])
    button_row(
        canvas,
        buttons,
        right,
        card[3] - canvas.px(36),
        SECONDARY,
        data.get("focus"),
        button_styles(buttons, data.get("primary")),
    )
