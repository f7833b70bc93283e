"""The body of the Autopilot diagnostics page, shared by Windows 10 and Windows 11.

As seen on Windows 11 (reference section 1 step 6): a section "Deployment info" with a
"Hide details" link, then groups ("Network Connectivity", "Autopilot Settings", "Enrollment
Status") whose rows carry a tick, a progress ring or a warning icon.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.sim.render.canvas import Canvas
from harness.sim.render.glyphs import glyph, status_glyph
from harness.sim.render.palette import RGB


@dataclass(frozen=True)
class DiagnosticsLook:
    text: RGB
    subtext: RGB
    link: RGB
    ring: RGB
    rule: RGB
    group_size: float = 24
    row_size: float = 21
    row_height: float = 38


def draw_sections(
    canvas: Canvas, data: dict[str, Any], left: int, right: int, top: int, look: DiagnosticsLook
) -> int:
    """Draw the heading and every group from ``top``; returns the y below the last row."""
    y = top
    heading = str(data.get("heading", "Deployment info"))
    canvas.text((left, y), heading, size=28, weight="semibold", fill=look.text, anchor="lt")
    canvas.text(
        (right, y + canvas.px(4)),
        str(data.get("toggle", "Hide details")),
        size=22,
        fill=look.link,
        anchor="rt",
    )
    y += canvas.px(50)
    canvas.rect((left, y, right, y + max(1, canvas.px(1))), fill=look.rule)
    y += canvas.px(18)
    icon = canvas.px(24)
    for section in data.get("sections") or []:
        canvas.text(
            (left, y),
            str(section.get("name", "")),
            size=look.group_size,
            weight="semibold",
            fill=look.text,
            anchor="lt",
        )
        y += canvas.px(look.group_size + 16)
        for row in section.get("rows") or []:
            kind = status_glyph(str(row.get("state", "working")))
            if kind == "waiting":
                kind = "working"
            middle = y + canvas.px(look.row_height) // 2
            canvas.paste(glyph(kind, icon, look.ring), (left + canvas.px(12), middle - icon // 2))
            label_left = left + canvas.px(52)
            detail = str(row.get("detail", ""))
            detail_box = canvas.text(
                (right, middle),
                detail,
                size=look.row_size,
                fill=look.subtext,
                anchor="rm",
                max_width=(right - left) // 2,
            )
            canvas.text(
                (label_left, middle),
                str(row.get("label", "")),
                size=look.row_size,
                fill=look.text,
                anchor="lm",
                max_width=detail_box[0] - label_left - canvas.px(20),
            )
            y += canvas.px(look.row_height)
        y += canvas.px(14)
    return y
