"""Windows 11 configuration (on the card) and result screens (full-screen green / red).

Result screens follow the Windows 10 layout (reference section 1 step 6) without the QR code,
which Windows 11 does not show there (documented); the configuration screen (UNCONFIRMED) is drawn
on the card: the QR code on the left half, the title and the details (a value under each label)
on the right half; the frame's ``Layout`` may swap the halves and arrange the details another
way.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from harness.sim.render.canvas import Canvas
from harness.sim.render.detail_list import DetailStyle, draw_details
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
DETAILS = DetailStyle(
    text=W11_TEXT,
    size=23,
    label_weight="semibold",
    value_weight="regular",
    step=86,
    value_below=34,
    stacked_step=86,
)


def draw_configuration(canvas: Canvas, data: dict[str, Any]) -> None:
    frame = layout(canvas, mirrored=canvas.layout.qr_side == "right")
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
    arrangement = canvas.layout.fields
    style = DETAILS
    if arrangement in ("screen", "stacked"):
        arrangement = "stacked"
    elif arrangement == "columns":
        style = replace(DETAILS, label_weight="bold", value_weight="bold", step=58)
    else:
        style = replace(DETAILS, step=58)
    rows = detail_rows(data, ("organization", "profile", "user"))
    draw_details(canvas, rows, (left, right, y), arrangement, style)
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
