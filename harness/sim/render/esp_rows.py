"""The Enrollment Status Page phase rows, shared by Windows 10 and Windows 11.

Per phase (reference section 1 step 5): an icon with a green tick badge when done, a red cross
when failed and a progress ring while working; the bold phase name; a light-blue "Show details" /
"Hide details" link; the status line under the name; when expanded, the sub-steps as
"Securing your hardware (Complete)" lines. A working phase (``dots`` in its data) shows its
progress animation: a small dot stepping along a row under the icon, one step per frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.sim.render.canvas import Canvas
from harness.sim.render.glyphs import glyph, status_glyph
from harness.sim.render.palette import RGB

PHASE_ICONS = {
    "device preparation": "shield-laptop",
    "device setup": "laptop",
    "account setup": "person",
}


@dataclass(frozen=True)
class EspLook:
    text: RGB
    subtext: RGB
    link: RGB
    icon: RGB
    name_size: float = 27
    status_size: float = 22
    row_height: float = 112
    substep_height: float = 34


def substep_line(substep: dict[str, Any]) -> str:
    return f"{substep.get('name', '')} ({substep.get('status', '')})"


def draw_phases(
    canvas: Canvas, phases: list[dict[str, Any]], left: int, right: int, top: int, look: EspLook
) -> int:
    """Draw the phases from ``top``; returns the y below the last one."""
    y = top
    icon_side = canvas.px(54)
    text_left = left + canvas.px(86)
    for phase in phases:
        name = str(phase.get("name", ""))
        status = str(phase.get("status", ""))
        canvas.paste(
            glyph(PHASE_ICONS.get(name.lower(), "laptop"), icon_side, look.icon), (left, y)
        )
        badge = status_glyph(status)
        if badge in {"ok", "failed", "working"}:
            side = canvas.px(26)
            colour = look.link if badge == "working" else look.icon
            canvas.paste(
                glyph(badge, side, colour),
                (left + icon_side - side + canvas.px(6), y + icon_side - side + canvas.px(6)),
            )
        if "dots" in phase:
            _draw_dots(canvas, int(phase["dots"]), left, y + icon_side + canvas.px(10), look.link)
        link = "Hide details" if phase.get("expanded") else "Show details"
        if canvas.layout.esp_links == "inline":
            # As on some real Windows 10 builds: the link right after the phase name.
            name_box = canvas.text(
                (text_left, y), name, size=look.name_size, weight="bold", fill=look.text
            )
            canvas.text(
                (name_box[2] + canvas.px(18), y + canvas.px(4)),
                link,
                size=look.status_size,
                fill=look.link,
                anchor="lt",
            )
        else:
            link_box = canvas.text(
                (right, y + canvas.px(4)), link, size=look.status_size, fill=look.link, anchor="rt"
            )
            canvas.text(
                (text_left, y),
                name,
                size=look.name_size,
                weight="bold",
                fill=look.text,
                anchor="lt",
                max_width=link_box[0] - text_left - canvas.px(16),
            )
        canvas.text(
            (text_left, y + canvas.px(42)),
            status,
            size=look.status_size,
            fill=look.subtext,
            anchor="lt",
            max_width=right - text_left,
        )
        y += canvas.px(look.row_height)
        if phase.get("expanded"):
            y -= canvas.px(18)
            for substep in phase.get("substeps") or []:
                canvas.text(
                    (text_left + canvas.px(20), y),
                    substep_line(substep),
                    size=look.status_size,
                    fill=look.text,
                    anchor="lt",
                    max_width=right - text_left - canvas.px(20),
                )
                y += canvas.px(look.substep_height)
            y += canvas.px(22)
    return y


def _draw_dots(canvas: Canvas, step: int, left: int, top: int, colour: RGB) -> None:
    """Windows' indeterminate progress: five small dots (5 px across at 1080p) running along a
    row, one step per frame. Sized like the real ones, so that a frame-change detector must tell
    them from content as it will on a device: a few small blobs that move, every frame."""
    side = canvas.px(5)
    spacing = canvas.px(14)
    lead = left + canvas.px(4) + step * canvas.px(20)
    for index in range(5):
        x = lead + index * spacing
        canvas.rect((x, top, x + side - 1, top + side - 1), fill=colour)
