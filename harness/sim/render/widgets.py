"""Controls shared by the screens: buttons, button rows, selection lists, text fields."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.sim.render.canvas import Box, Canvas
from harness.sim.render.fonts import Weight
from harness.sim.render.palette import RGB, W10_BUTTON, WHITE


@dataclass(frozen=True)
class ButtonStyle:
    """How one family of buttons looks. Sizes are design pixels (1080-line screen)."""

    fill: RGB = W10_BUTTON
    text: RGB = WHITE
    border: RGB | None = None
    focus: RGB = WHITE
    focus_outside: bool = False  # Windows 11 draws its focus ring outside the button
    radius: float = 0
    height: float = 54
    min_width: float = 170
    padding: float = 34
    text_size: float = 24
    weight: Weight = "regular"
    gap: float = 18


W10_BUTTON_STYLE = ButtonStyle()


def button(
    canvas: Canvas, right: int, bottom: int, label: str, style: ButtonStyle, focused: bool
) -> Box:
    """Draw a button whose bottom-right corner is at (right, bottom); returns its box."""
    face = canvas.font(style.weight, style.text_size)
    width = max(
        canvas.px(style.min_width), canvas.text_width(label, face) + 2 * canvas.px(style.padding)
    )
    box = (right - width, bottom - canvas.px(style.height), right, bottom)
    canvas.hotspots[label] = box
    canvas.drawn.append(("panel", label, box))
    radius = canvas.px(style.radius) if style.radius else 0
    canvas.rect(
        box, fill=style.fill, outline=style.border, width=max(1, canvas.px(1)), radius=radius
    )
    centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    canvas.text(
        centre, label, size=style.text_size, weight=style.weight, fill=style.text, anchor="mm"
    )
    if focused:
        ring = max(2, canvas.px(2))
        if style.focus_outside:
            grow = canvas.px(4)
            outer = (box[0] - grow, box[1] - grow, box[2] + grow, box[3] + grow)
            canvas.rect(
                outer, outline=style.focus, width=ring, radius=radius + grow if radius else 0
            )
        else:
            canvas.rect(box, outline=style.focus, width=ring, radius=radius)
    return box


def button_row(
    canvas: Canvas,
    labels: Sequence[str],
    right: int,
    bottom: int,
    style: ButtonStyle,
    focus: str | None,
    fills: dict[str, ButtonStyle] | None = None,
) -> list[Box]:
    """Buttons laid out right to left so the last label is the rightmost (the primary one).

    ``fills`` overrides the style of single buttons (Windows 11: the primary button is accent
    blue, the others light). Returns the boxes in the order of ``labels``.
    """
    boxes: list[Box] = []
    for label in reversed(list(labels)):
        own = (fills or {}).get(label, style)
        box = button(canvas, right, bottom, label, own, focused=(label == focus))
        boxes.append(box)
        right = box[0] - canvas.px(style.gap)
    return list(reversed(boxes))


def selection_list(
    canvas: Canvas,
    box: Box,
    items: Sequence[str],
    selected: int | None,
    *,
    background: RGB | None,
    selected_fill: RGB,
    text: RGB,
    selected_text: RGB,
    border: RGB | None = None,
    row_height: float = 50,
    text_size: float = 24,
    radius: float = 0,
) -> None:
    """A scrolling list (regions, keyboards, networks) with the selected row highlighted."""
    left, top, right, bottom = box
    canvas.drawn.append(("panel", "", box))
    canvas.rect(
        box,
        fill=background,
        outline=border,
        width=max(1, canvas.px(1)),
        radius=canvas.px(radius) if radius else 0,
    )
    row = canvas.px(row_height)
    visible = max(1, (bottom - top) // row)
    first = 0
    if selected is not None and selected >= visible:
        first = selected - visible // 2
    inset = canvas.px(6) if radius else 0
    for index, item in enumerate(items[first : first + visible], start=first):
        row_top = top + (index - first) * row
        is_selected = index == selected
        if is_selected:
            row_box = (
                left + inset,
                row_top + inset // 2,
                right - inset,
                row_top + row - inset // 2,
            )
            canvas.rect(row_box, fill=selected_fill, radius=canvas.px(4) if radius else 0)
        canvas.text(
            (left + canvas.px(20), row_top + row / 2),
            item,
            size=text_size,
            fill=selected_text if is_selected else text,
            anchor="lm",
            max_width=right - left - canvas.px(40),
        )


def text_field(
    canvas: Canvas,
    box: Box,
    placeholder: str,
    *,
    fill: RGB,
    text: RGB,
    underline: RGB,
    text_size: float = 24,
) -> None:
    """A single-line input box with placeholder text and an accent underline."""
    canvas.drawn.append(("panel", "", box))
    canvas.rect(box, fill=fill)
    canvas.rect((box[0], box[3] - canvas.px(2), box[2], box[3]), fill=underline)
    canvas.text(
        (box[0] + canvas.px(14), (box[1] + box[3]) / 2),
        placeholder,
        size=text_size,
        fill=text,
        anchor="lm",
    )
