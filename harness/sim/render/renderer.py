"""``render(view, size)``: one ``View`` of the simulated device as an RGB Pillow image.

Pillow and the stdlib only, so the same code draws the screen inside the stand-in libvirt guest
(Debian ``python3-pil``). Each (Windows version, screen) pair has one drawing function; the
background of each screen is a solid colour (Windows 10, result screens) or a cached backdrop
with the Windows 11 card.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image

from harness.errors import ConfigError, UsageError
from harness.sim.render import blackout
from harness.sim.render.canvas import Canvas, Drawn
from harness.sim.render.layout import DEFAULT_LAYOUT, Layout
from harness.sim.render.palette import (
    BLACK,
    FAILURE_RED,
    RGB,
    SUCCESS_GREEN,
    W10_BLUE,
    W10_ESP_BLUE,
    W11_BACKDROP,
)
from harness.sim.render.win10 import diagnostics as w10_diagnostics
from harness.sim.render.win10 import esp as w10_esp
from harness.sim.render.win10 import oobe as w10_oobe
from harness.sim.render.win10 import options as w10_options
from harness.sim.render.win10 import result as w10_result
from harness.sim.render.win10 import went_wrong as w10_went_wrong
from harness.sim.render.win11 import card as w11_card
from harness.sim.render.win11 import diagnostics as w11_diagnostics
from harness.sim.render.win11 import esp as w11_esp
from harness.sim.render.win11 import oobe as w11_oobe
from harness.sim.render.win11 import options as w11_options
from harness.sim.render.win11 import result as w11_result
from harness.sim.render.win11 import went_wrong as w11_went_wrong
from harness.sim.view import SCREENS, View

Draw = Callable[[Canvas, dict[str, Any]], None]

MIN_SIZE = (320, 240)
MAX_SIZE = (7680, 4320)

_BLACKOUT: dict[str, Draw] = {
    "off": blackout.draw_nothing,
    "black": blackout.draw_nothing,
    "firmware": blackout.draw_firmware,
}


def _oobe(module: Any, screen: str) -> Draw:
    return lambda canvas, data: module.draw_oobe_page(canvas, data, screen)


_OOBE_SCREENS = ("oobe-region", "oobe-keyboard", "oobe-network", "oobe-signin")

_SCREENS: dict[int, dict[str, tuple[RGB | None, Draw]]] = {
    10: {
        **{name: (W10_BLUE, _oobe(w10_oobe, name)) for name in _OOBE_SCREENS},
        "options": (W10_BLUE, w10_options.draw_options),
        "configuration": (W10_BLUE, w10_result.draw_configuration),
        "esp": (W10_ESP_BLUE, w10_esp.draw_esp),
        "success": (SUCCESS_GREEN, w10_result.draw_success),
        "failure": (FAILURE_RED, w10_result.draw_failure),
        "diagnostics": (W10_BLUE, w10_diagnostics.draw_diagnostics),
        "something-went-wrong": (W10_BLUE, w10_went_wrong.draw_went_wrong),
    },
    11: {
        # None: the Windows 11 backdrop with its white card, cached per size.
        **{name: (None, _oobe(w11_oobe, name)) for name in _OOBE_SCREENS},
        "options": (None, w11_options.draw_options),
        "configuration": (None, w11_result.draw_configuration),
        "esp": (None, w11_esp.draw_esp),
        "success": (SUCCESS_GREEN, w11_result.draw_success),
        "failure": (FAILURE_RED, w11_result.draw_failure),
        "diagnostics": (W11_BACKDROP, w11_diagnostics.draw_diagnostics),
        "something-went-wrong": (None, w11_went_wrong.draw_went_wrong),
    },
}


def size_problem(width: int, height: int) -> str | None:
    """Why (width, height) is not a plausible screen size, or None when it is."""
    if MIN_SIZE[0] <= width <= MAX_SIZE[0] and MIN_SIZE[1] <= height <= MAX_SIZE[1]:
        return None
    return (
        f"size {width}x{height} is outside {MIN_SIZE[0]}x{MIN_SIZE[1]}..{MAX_SIZE[0]}x{MAX_SIZE[1]}"
    )


def check_size(size: tuple[int, int]) -> tuple[int, int]:
    """``size`` as (width, height) ints; raises ConfigError when it is not a plausible screen."""
    try:
        width, height = (int(value) for value in size)
    except (TypeError, ValueError) as problem:
        raise ConfigError(
            f"size must be (width, height), got {size!r}", source="sim renderer", key="size"
        ) from problem
    problem = size_problem(width, height)
    if problem:
        raise ConfigError(problem, source="sim renderer", key="size")
    return width, height


def render(view: View, size: tuple[int, int], layout: Layout = DEFAULT_LAYOUT) -> Image.Image:
    """The screen shown by ``view`` as an RGB image of exactly ``size`` (width, height)."""
    return render_frame(view, size, layout).image


Hotspots = dict[str, tuple[int, int, int, int]]
"""Clickable controls of a rendered screen: label -> (left, top, right, bottom) in pixels."""


@dataclass(frozen=True)
class Rendered:
    """A rendered screen, where its controls are, and everything drawn on it."""

    image: Image.Image
    hotspots: Hotspots
    drawn: tuple[Drawn, ...]


def render_with_hotspots(view: View, size: tuple[int, int]) -> tuple[Image.Image, Hotspots]:
    """The screen and where its buttons and links are (for a simulated mouse click)."""
    frame = render_frame(view, size)
    return frame.image, frame.hotspots


def render_frame(view: View, size: tuple[int, int], layout: Layout = DEFAULT_LAYOUT) -> Rendered:
    """The screen drawn with ``layout``, with its hotspots and drawn elements."""
    width, height = check_size(size)
    if view.screen not in SCREENS:
        raise UsageError(f"unknown screen {view.screen!r}; known: {', '.join(SCREENS)}")
    if view.screen in _BLACKOUT:
        canvas = Canvas(Image.new("RGB", (width, height), BLACK), layout)
        _BLACKOUT[view.screen](canvas, dict(view.data))
        return Rendered(canvas.image, canvas.hotspots, tuple(canvas.drawn))
    table = _SCREENS.get(view.windows)
    if table is None:
        raise UsageError(f"unknown Windows version {view.windows!r}; the simulator draws 10 and 11")
    background, draw = table[view.screen]
    if background is None:
        image = w11_card.card_background(width, height, layout.scale, layout.card)
    else:
        image = Image.new("RGB", (width, height), background)
    canvas = Canvas(image, layout)
    draw(canvas, dict(view.data))
    return Rendered(canvas.image, canvas.hotspots, tuple(canvas.drawn))
