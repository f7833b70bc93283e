"""The label/value details of the configuration and result screens, in three arrangements.

- ``columns``: bold labels left-aligned, bold values right-aligned on the same baseline (the real
  Windows 10 result screens, reference section 1 step 6);
- ``inline``: "Label: value" on one line, the label bold and the value regular after it;
- ``stacked``: the value on its own line under its label (the Windows 11 configuration card).

Which one a screen uses is its own choice unless the frame's ``Layout`` says otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.sim.render.canvas import Canvas
from harness.sim.render.fonts import Weight
from harness.sim.render.palette import RGB


@dataclass(frozen=True)
class DetailStyle:
    text: RGB
    size: float = 30
    label_weight: Weight = "bold"
    value_weight: Weight = "bold"
    step: float = 66
    """Design pixels from one row to the next in ``columns`` and ``inline``."""
    value_below: float = 0
    """``stacked``: design pixels from a label's top to its value's top (0: 1.45 lines)."""
    stacked_step: float = 0
    """``stacked``: design pixels from one row to the next (0: two lines and a gap)."""


def draw_details(
    canvas: Canvas,
    rows: Sequence[tuple[str, str]],
    box: tuple[int, int, int],
    arrangement: str,
    style: DetailStyle,
) -> int:
    """Draw ``rows`` (label, value) in ``box`` (left, right, top); returns the y below them."""
    left, right, top = box
    y = top
    for label, value in rows:
        if arrangement == "stacked":
            y = _stacked(canvas, label, value, (left, right, y), style)
        elif arrangement == "inline":
            y = _inline(canvas, label, value, (left, right, y), style)
        else:
            y = _columns(canvas, label, value, (left, right, y), style)
    return y


def _columns(
    canvas: Canvas, label: str, value: str, box: tuple[int, int, int], style: DetailStyle
) -> int:
    left, right, y = box
    # Baseline anchors keep label and value on one line whatever their letters.
    baseline = y + canvas.px(style.size + 2)
    label_box = canvas.text(
        (left, baseline),
        label,
        size=style.size,
        weight=style.label_weight,
        fill=style.text,
        anchor="ls",
    )
    canvas.text(
        (right, baseline),
        value,
        size=style.size,
        weight=style.value_weight,
        fill=style.text,
        anchor="rs",
        max_width=right - label_box[2] - canvas.px(30),
    )
    return y + canvas.px(style.step)


def _inline(
    canvas: Canvas, label: str, value: str, box: tuple[int, int, int], style: DetailStyle
) -> int:
    left, right, y = box
    baseline = y + canvas.px(style.size + 2)
    label_box = canvas.text(
        (left, baseline),
        label,
        size=style.size,
        weight=style.label_weight,
        fill=style.text,
        anchor="ls",
    )
    value_left = label_box[2] + canvas.px(style.size * 0.4)
    canvas.text(
        (value_left, baseline),
        value,
        size=style.size,
        weight="regular",
        fill=style.text,
        anchor="ls",
        max_width=right - value_left,
    )
    return y + canvas.px(style.step)


def _stacked(
    canvas: Canvas, label: str, value: str, box: tuple[int, int, int], style: DetailStyle
) -> int:
    left, right, y = box
    line = style.value_below or style.size * 1.45
    step = style.stacked_step or line * 2 + style.size * 0.8
    canvas.text(
        (left, y), label, size=style.size, weight=style.label_weight, fill=style.text, anchor="lt"
    )
    canvas.text(
        (left, y + canvas.px(line)),
        value,
        size=style.size,
        weight="regular",
        fill=style.text,
        anchor="lt",
        max_width=right - left,
    )
    return y + canvas.px(step)
