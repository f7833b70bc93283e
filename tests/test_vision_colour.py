"""Green versus red is decided by hue and saturation, never by brightness: frames that look the
same in grayscale must still come out as different colours."""

from __future__ import annotations

import cv2
import numpy as np

from harness.vision import ScreenState, Vision
from harness.vision.colour import result_colour, share_in_range
from harness.vision.definition_model import ColourRule


def solid(bgr: tuple[int, int, int], size: tuple[int, int] = (640, 480)) -> np.ndarray:
    image = np.zeros((size[1], size[0], 3), np.uint8)
    image[:] = bgr
    return image


def grey_level(image: np.ndarray) -> float:
    return float(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).mean())


def test_reference_green_and_red_are_told_apart() -> None:
    green = solid((51, 117, 0))  # BGR of RGB 0,117,51
    red = solid((16, 17, 107))  # BGR of RGB 107,17,16
    assert result_colour(green)[0] == "green"
    assert result_colour(red)[0] == "red"


def test_a_greenish_and_a_reddish_frame_of_equal_grey_are_not_confused() -> None:
    greenish = solid((40, 120, 30))  # RGB 30,120,40
    reddish = solid((30, 30, 212))  # RGB 212,30,30
    assert abs(grey_level(greenish) - grey_level(reddish)) < 3  # grayscale would call them equal
    assert result_colour(greenish)[0] == "green"
    assert result_colour(reddish)[0] == "red"


def test_unsaturated_and_blue_frames_are_neither() -> None:
    assert result_colour(solid((128, 128, 128)))[0] is None
    assert result_colour(solid((117, 66, 0)))[0] is None  # the Windows 10 OOBE blue


def test_red_hue_range_wraps_through_zero() -> None:
    rule = ColourRule(name="red", hsv_min=(170, 110, 40), hsv_max=(8, 255, 255))
    hsv = cv2.cvtColor(solid((60, 0, 200)), cv2.COLOR_BGR2HSV)  # hue about 172
    assert share_in_range(hsv, rule) == 1.0
    hsv = cv2.cvtColor(solid((0, 30, 200)), cv2.COLOR_BGR2HSV)  # hue about 4
    assert share_in_range(hsv, rule) == 1.0


def _result_like(background: tuple[int, int, int]) -> np.ndarray:
    image = solid(background, (1280, 720))
    lines = [
        ("Windows Autopilot Configuration", (170, 150), 1.6, 3),
        ("Organization:", (300, 300), 0.9, 2),
        ("Contoso", (800, 300), 0.9, 2),
        ("Deployment profile:", (300, 360), 0.9, 2),
        ("Autopilot", (800, 360), 0.9, 2),
    ]
    for text, origin, size, thickness in lines:
        cv2.putText(
            image,
            text,
            origin,
            cv2.FONT_HERSHEY_SIMPLEX,
            size,
            (255, 255, 255),
            thickness,
            cv2.LINE_AA,
        )
    return image


def test_classification_follows_the_colour_not_the_words() -> None:
    vision = Vision(windows=10)
    green = vision.classify(_result_like((40, 120, 30)))
    red = vision.classify(_result_like((30, 30, 212)))
    assert green.state is ScreenState.SUCCESS
    assert red.state is ScreenState.FAILURE
    grey = vision.classify(_result_like((100, 100, 100)))
    assert grey.state is ScreenState.UNKNOWN
    # The words matched, the colour did not: the closest candidate says so with its score.
    best = grey.candidates[0]
    assert best.definition in ("w10-configuration", "w10-success", "w10-failure")
    assert best.score >= 0.69
