"""Windows 11 configuration (on the card) and result screens (full-screen green / red).

Result screens follow the Windows 10 layout (reference section 1 step 6) without the QR code,
which Windows 11 does not show there (documented); the configuration screen (UNCONFIRMED) is drawn
on the card: the QR code on the left half, the title and the details on the right half.
"""

from __future__ import annotations

from typing import Any

from harness.sim.render.canvas import Canvas
from harness.sim.render.palette import (
    FAILURE_BUTTON,
    FAILURE_RED,
    SUCCESS_BUTTON,
    SUCCESS_GREEN,
    W11_CARD_BORDER,
    W11_TEXT,
)
from harness.sim.render.qr import draw_qr
from harness.sim.render.result_layout import detail_rows, draw_result_layout, result_look
from harness.sim.render.widgets import button_row
from harness.sim.render.win11.card import SECONDARY, button_styles, layout, title

SUCCESS = result_look(SUCCESS_GREEN, SUCCESS_BUTTON, rounded=True)
FAILURE = result_look(FAILURE_RED, FAILURE_BUTTON, rounded=True)
RESULT_KEYS = ("organization", "profile", "user", "elapsed")


def draw_configuration(canvas: Canvas, data: dict[str, Any]) -> None:
    frame = layout(canvas)
    payload = data.get("qr_payload")
    if payload:
        box = frame.illustration
        side = min(box[2] - box[0], box[3] - box[1]) * 3 // 4
        x = (box[0] + box[2] - side) // 2
        y = (box[1] + box[3] - side) // 2
        border = canvas.px(2)
        canvas.rect(
            (x - border, y - border, x + side + border, y + side + border), fill=W11_CARD_BORDER
        )
        draw_qr(canvas, (x, y, x + side, y + side), str(payload))
    left, _, right, _ = frame.content
    y = title(
        canvas, frame.content, str(data.get("title", "Pre-provision with Windows Autopilot"))
    ) + canvas.px(30)
    for label, value in detail_rows(data, ("organization", "profile", "user")):
        canvas.text((left, y), label, size=23, weight="semibold", fill=W11_TEXT, anchor="lt")
        canvas.text(
            (left, y + canvas.px(34)),
            value,
            size=23,
            fill=W11_TEXT,
            anchor="lt",
            max_width=right - left,
        )
        y += canvas.px(86)
    buttons = list(data.get("buttons") or ["Refresh", "Next"])
    right_edge, bottom = frame.buttons_anchor
    button_row(
        canvas,
        buttons,
        right_edge,
        bottom,
        SECONDARY,
        data.get("focus", buttons[-1]),
        button_styles(buttons, data.get("primary")),
    )


def draw_success(canvas: Canvas, data: dict[str, Any]) -> None:
    draw_result_layout(
        canvas, {"buttons": ["Reseal"], "focus": "Reseal", **data}, SUCCESS, RESULT_KEYS
    )


def draw_failure(canvas: Canvas, data: dict[str, Any]) -> None:
    draw_result_layout(canvas, {"buttons": ["Retry", "Reset"], **data}, FAILURE, RESULT_KEYS)
