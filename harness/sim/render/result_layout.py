"""The Autopilot configuration and result screens, shared by Windows 10 and Windows 11.

As seen on real Windows 10 devices (reference section 1 step 6): the title "Windows Autopilot
Configuration" centred in a very large light font; on the left the QR code on a white square; on
the right a two-column list, bold labels left-aligned and bold values right-aligned; a centred
message; buttons bottom right; on red, "View diagnostics" as bold text bottom left with no box.
The configuration screen uses the same layout on the OOBE blue (reference: UNCONFIRMED but
probable). Without a QR payload (Windows 11 result screens) the list is centred instead. The
frame's ``Layout`` may move the title, put the QR code right and arrange the details another
way (``detail_list``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from harness.sim.render.canvas import Canvas
from harness.sim.render.detail_list import DetailStyle, draw_details
from harness.sim.render.palette import RGB, WHITE
from harness.sim.render.qr import draw_qr
from harness.sim.render.widgets import W10_BUTTON_STYLE, ButtonStyle, button_row

LABELS = {
    "organization": "Organization:",
    "profile": "Deployment profile:",
    "user": "Assigned user:",
    "elapsed": "Elapsed time:",
}


@dataclass(frozen=True)
class ResultLook:
    background: RGB
    button: ButtonStyle
    text: RGB = WHITE


def detail_rows(data: dict[str, Any], keys: Sequence[str]) -> list[tuple[str, str]]:
    """(label, value) pairs in screen order; a key whose value is None is not shown."""
    labels = {**LABELS, **dict(data.get("labels") or {})}
    return [(labels[key], str(data[key])) for key in keys if data.get(key) is not None]


def draw_result_layout(
    canvas: Canvas, data: dict[str, Any], look: ResultLook, keys: Sequence[str]
) -> None:
    title = str(data.get("title", "Windows Autopilot Configuration"))
    layout = canvas.layout
    canvas.title(
        (canvas.cx, canvas.px(170)),
        title,
        span=(canvas.cx - canvas.px(600), canvas.cx + canvas.px(600)),
        size=66,
        fill=look.text,
        max_width=canvas.width - canvas.px(80),
    )

    rows = detail_rows(data, keys)
    payload = data.get("qr_payload")
    top = canvas.px(310) + canvas.px(layout.content_offset)
    arrangement = "columns" if layout.fields == "screen" else layout.fields
    style = DetailStyle(text=look.text)
    if arrangement == "stacked":
        style = DetailStyle(text=look.text, size=26, stacked_step=84)
    if payload:
        side = canvas.px(330)
        if layout.qr_side == "right":
            qr_left = canvas.cx + canvas.px(600) - side
            left, right = canvas.cx - canvas.px(600), canvas.cx + canvas.px(180)
        else:
            qr_left = canvas.cx - canvas.px(600)
            left, right = canvas.cx - canvas.px(180), canvas.cx + canvas.px(600)
        draw_qr(canvas, (qr_left, top, qr_left + side, top + side), str(payload))
        list_top = top + canvas.px(30)
    else:
        left, right = canvas.cx - canvas.px(420), canvas.cx + canvas.px(420)
        list_top = top + canvas.px(20)
    if arrangement == "stacked":
        list_top -= canvas.px(20)
    draw_details(canvas, rows, (left, right, list_top), arrangement, style)

    message = data.get("message")
    if message:
        canvas.wrapped(
            (canvas.cx, canvas.px(740)),
            str(message),
            size=26,
            max_width=canvas.px(1300),
            fill=look.text,
            align="centre",
        )

    margin = canvas.px(56)
    bottom = canvas.height - margin
    buttons = list(data.get("buttons") or [])
    button_row(canvas, buttons, canvas.width - margin, bottom, look.button, data.get("focus"))
    for index, link in enumerate(data.get("links") or []):
        # "View diagnostics": bold text bottom left, no button box (reference, Windows 10 red).
        y = bottom - canvas.px(look.button.height) / 2 - index * canvas.px(48)
        canvas.text((margin, y), str(link), size=26, weight="bold", fill=look.text, anchor="lm")
        face_box = canvas.draw.textbbox(
            (margin, y), str(link), font=canvas.font("bold", 26), anchor="lm"
        )
        canvas.hotspots[str(link)] = tuple(int(v) for v in face_box)  # type: ignore[assignment]
        if data.get("focus") == link:
            pad = canvas.px(6)
            canvas.dotted_rect(
                (
                    int(face_box[0]) - pad,
                    int(face_box[1]) - pad,
                    int(face_box[2]) + pad,
                    int(face_box[3]) + pad,
                ),
                fill=look.text,
            )


def result_look(background: RGB, button_fill: RGB, rounded: bool) -> ResultLook:
    style = replace(W10_BUTTON_STYLE, fill=button_fill, radius=4 if rounded else 0)
    return ResultLook(background=background, button=style)
