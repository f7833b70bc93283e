"""The default layout draws every screen as before; each layout variation does what it says."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from harness.errors import ConfigError
from harness.sim.render import render
from harness.sim.render.examples import example_view
from harness.sim.render.fonts import installed_families
from harness.sim.render.layout import DEFAULT_LAYOUT, Layout, random_layout
from harness.sim.render.palette import W11_BACKDROP, W11_CARD
from harness.sim.render.renderer import render_frame
from harness.sim.view import SCREENS

GOLDEN = Path(__file__).parent / "data" / "sim_default_look"
CASES = [
    (windows, screen, scenario)
    for windows in (10, 11)
    for screen in SCREENS
    for scenario in (("success", "failure") if screen == "esp" else ("success",))
]


def _thumbnail(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L").resize((320, 180)), dtype=np.int16)


@pytest.mark.parametrize(("windows", "screen", "scenario"), CASES)
def test_the_default_layout_looks_as_before(windows: int, screen: str, scenario: str) -> None:
    """Compared with 320x180 grey thumbnails of the renderer before layouts existed
    (tests/data/sim_default_look). A title moved by 4 design pixels fails by hundreds of
    pixels; anti-aliasing differences of another FreeType build stay far below 40 levels."""
    name = f"w{windows}-{screen}" + ("-failed" if scenario == "failure" else "")
    before = np.asarray(Image.open(GOLDEN / f"{name}.png"), dtype=np.int16)
    now = _thumbnail(render(example_view(screen, windows, scenario), (1280, 720)))
    assert int((np.abs(now - before) > 40).sum()) <= 20, name


def test_the_golden_comparison_sees_a_small_move() -> None:
    before = np.asarray(Image.open(GOLDEN / "w10-failure.png"), dtype=np.int16)
    moved = _thumbnail(render(example_view("failure", 10), (1280, 720), Layout(title_offset=4)))
    assert int((np.abs(moved - before) > 40).sum()) > 20


def _drawn(screen: str, windows: int, layout: Layout, size=(1920, 1080)):
    frame = render_frame(example_view(screen, windows, "failure"), size, layout)
    return frame, {text: box for _, text, box in frame.drawn if text}


def test_title_alignment_offset_and_scale() -> None:
    _, centred = _drawn("esp", 10, DEFAULT_LAYOUT)
    _, left = _drawn("esp", 10, Layout(title_align="left"))
    _, moved = _drawn("esp", 10, Layout(title_offset=30, title_scale=1.2))
    title = "Setting up your device for work"
    assert abs((centred[title][0] + centred[title][2]) / 2 - 960) < 3
    assert abs(left[title][0] - (960 - 410)) <= 4  # the left edge of the phase column
    assert moved[title][1] > centred[title][1] + 10
    assert moved[title][3] - moved[title][1] > 1.15 * (centred[title][3] - centred[title][1])
    _, w11 = _drawn("oobe-region", 11, Layout(title_align="centre"))
    _, w11_default = _drawn("oobe-region", 11, DEFAULT_LAYOUT)
    line = next(text for text in w11_default if text.startswith("Is this"))
    assert w11[line][0] > w11_default[line][0]


@pytest.mark.parametrize("windows", [10, 11])
def test_label_value_arrangements(windows: int) -> None:
    label, value = "Organization:", "Contoso Ltd"
    for arrangement in ("columns", "inline", "stacked"):
        _, boxes = _drawn("configuration", windows, Layout(fields=arrangement))
        lab, val = boxes[label], boxes[value]
        if arrangement == "stacked":
            assert val[1] >= lab[3] and abs(val[0] - lab[0]) <= 2, arrangement
        else:
            assert abs(val[3] - lab[3]) <= 8 and val[0] > lab[2], arrangement
        if arrangement == "inline":
            assert val[0] - lab[2] < 30
        if arrangement == "columns" and windows == 10:
            assert val[0] - lab[2] > 100  # values right-aligned far from their labels


@pytest.mark.parametrize(("windows", "screen"), [(10, "configuration"), (11, "configuration")])
def test_qr_left_or_right(windows: int, screen: str) -> None:
    def qr_and_label(side: str):
        frame, boxes = _drawn(screen, windows, Layout(qr_side=side))
        qr = next(box for kind, _, box in frame.drawn if kind == "qr")
        return qr, boxes["Organization:"]

    qr, label = qr_and_label("left")
    assert qr[2] < label[0]
    qr, label = qr_and_label("right")
    assert qr[0] > label[2]


def test_windows_11_without_its_card() -> None:
    with_card = render(example_view("oobe-region", 11), (1280, 720))
    without = render(example_view("oobe-region", 11), (1280, 720), Layout(card=False))
    assert with_card.getpixel((140, 600)) == W11_CARD
    assert without.getpixel((140, 600)) == W11_BACKDROP


def test_font_family_and_display_scaling_change_the_text() -> None:
    families = installed_families()
    assert {"open-sans", "lato", "liberation-sans"} <= set(families), families
    _, open_sans = _drawn("failure", 10, DEFAULT_LAYOUT)
    _, lato = _drawn("failure", 10, Layout(font_family="lato"))
    title = "Windows Autopilot Configuration"
    assert open_sans[title] != lato[title]
    _, small = _drawn("failure", 10, Layout(scale=0.85))
    assert small[title][2] - small[title][0] < 0.9 * (open_sans[title][2] - open_sans[title][0])


def test_bad_layouts_are_refused() -> None:
    with pytest.raises(ConfigError, match="title_align"):
        Layout(title_align="right")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="font_family"):
        Layout(font_family="comic-sans")
    with pytest.raises(ConfigError, match="scale"):
        Layout(scale=2.0)


def test_random_layouts_are_repeatable_and_vary() -> None:
    first = [random_layout(random.Random(seed), (1920, 1080)) for seed in range(40)]
    again = [random_layout(random.Random(seed), (1920, 1080)) for seed in range(40)]
    assert first == again
    assert {layout.fields for layout in first} == {"screen", "columns", "inline", "stacked"}
    assert {layout.qr_side for layout in first} == {"screen", "left", "right"}
    assert {layout.card for layout in first} == {True, False}
    assert {layout.esp_links for layout in first} == {"right", "inline"}
    assert len({layout.font_family for layout in first}) == 3
    # A 4:3 screen has no room to grow: display scaling never makes content wider than it.
    narrow = [random_layout(random.Random(seed), (1024, 768)) for seed in range(40)]
    assert max(layout.scale for layout in narrow) <= 1.0


def test_esp_links_right_aligned_or_right_after_the_phase_name() -> None:
    _, right = _drawn("esp", 10, DEFAULT_LAYOUT)
    frame, _ = _drawn("esp", 10, Layout(esp_links="inline"))
    lines = [(text, box) for _, text, box in frame.drawn]
    name = next(box for text, box in lines if text == "Device preparation")
    link = next(box for text, box in lines if text.endswith("details") and box[1] < name[3])
    assert 0 < link[0] - name[2] < 40
    assert right["Show details"][2] == 960 + 410  # the right edge of the phase column
