"""Red marks drawn over a screenshot do not hide what they point at: a rectangle drawn around a
button's label crosses the button's outline, and the button is still found (by searching again
with the thin red strokes painted out). The failure screen's red ground is not a mark."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from harness.sim.render.bgr import render_bgr
from harness.sim.render.examples import example_view
from harness.sim.render.screenshot import ANNOTATION_RED
from harness.vision import Vision
from harness.vision.annotation_marks import painted_out, thin_red_strokes
from harness.vision.observation import Observation, ScreenState

Box = tuple[int, int, int, int]


def _control_box(observation: Observation) -> Box | None:
    return next((e.box for e in observation.evidence if e.rule == "needs:control"), None)


def _contains(box: Box, point: tuple[float, float]) -> bool:
    x, y, w, h = box
    return x <= point[0] <= x + w and y <= point[1] <= y + h


# A box around the middle part of the label, taller than the button: both of its edges are
# crossed. At the narrow size the crossings cut the outline into pieces too short for a button;
# the search without the marks finds it again.
@pytest.mark.parametrize("windows, screen", [(10, "oobe-region"), (11, "oobe-keyboard")])
@pytest.mark.parametrize("size", [(1104, 691), (1920, 1080)])
@pytest.mark.parametrize("thickness", [3, 4, 6])
@pytest.mark.parametrize("overhang", [0.2, 0.35])
def test_a_button_with_a_red_box_drawn_across_it_is_still_a_button(
    windows: int, screen: str, size: tuple[int, int], thickness: int, overhang: float
) -> None:
    frame = render_bgr(example_view(screen, windows), size)
    clean = Vision().observe(frame)
    button = _control_box(clean)
    assert clean.state is ScreenState.OOBE and button is not None
    x, y, w, h = button
    centre = (x + w / 2, y + h / 2)
    marked = frame.copy()
    corner = (round(x + 0.35 * w), round(y - overhang * h))
    far = (round(x + 0.65 * w), round(y + (1 + overhang) * h))
    cv2.rectangle(marked, corner, far, ANNOTATION_RED, thickness, cv2.LINE_AA)
    observation = Vision().observe(marked)
    assert observation.state is ScreenState.OOBE, observation.evidence
    found = _control_box(observation)
    assert found is not None and _contains(found, centre), (found, button)


def test_the_failure_screens_red_ground_is_not_a_mark() -> None:
    frame = render_bgr(example_view("failure", 10, "failure"), (960, 540))
    mask = thin_red_strokes(frame)
    # The ground's edges and the text on it may leave a few stroke pixels; the ground stays.
    assert mask is None or cv2.countNonZero(mask) < 0.05 * mask.size
    cleaned = painted_out(frame)
    if cleaned is not None:
        ground = cv2.cvtColor(cleaned, cv2.COLOR_BGR2HSV)[..., 1] >= 150
        assert ground.mean() > 0.5


def test_a_picture_without_red_marks_has_nothing_to_paint_out() -> None:
    frame = render_bgr(example_view("oobe-region", 10), (960, 540))
    assert thin_red_strokes(frame) is None and painted_out(frame) is None


def test_a_thin_red_rectangle_is_found_and_painted_out() -> None:
    grey = np.full((540, 960, 3), 210, np.uint8)
    marked = grey.copy()
    cv2.rectangle(marked, (300, 200), (600, 320), ANNOTATION_RED, 3, cv2.LINE_AA)
    mask = thin_red_strokes(marked)
    assert mask is not None and mask[200, 450] and mask[320, 450] and not mask[260, 450]
    cleaned = painted_out(marked)
    assert cleaned is not None
    assert int(np.abs(cleaned.astype(int) - grey).max()) <= 12
