"""The active picture inside black bars or a dark bezel."""

from __future__ import annotations

import numpy as np

from harness.vision.picture_area import find_picture_area

BLUE = (117, 66, 0)  # BGR of the Windows 10 OOBE blue


def framed(top: int, left: int, border=(0, 0, 0)) -> np.ndarray:
    image = np.zeros((768, 1024, 3), np.uint8)
    image[:] = border
    image[top : 768 - top, left : 1024 - left] = BLUE
    image[top : top + 20, left : 1024 - left] = (77, 43, 0)  # the dark blue top strip stays
    return image


def test_letterbox_and_pillarbox_bars_are_cut_away() -> None:
    assert find_picture_area(framed(40, 0)) == (0, 40, 1024, 688)
    x, y, w, h = find_picture_area(framed(0, 128))
    assert abs(x - 128) <= 2 and y == 0 and abs(w - 768) <= 3 and h == 768


def test_a_grey_bezel_is_cut_away() -> None:
    x, y, w, h = find_picture_area(framed(20, 20, border=(32, 32, 32)))
    assert abs(x - 20) <= 2 and abs(y - 20) <= 2
    assert abs(w - 984) <= 3 and abs(h - 728) <= 3


def test_no_border_and_black_frames_keep_the_whole_frame() -> None:
    assert find_picture_area(framed(0, 0)) == (0, 0, 1024, 768)
    assert find_picture_area(np.zeros((768, 1024, 3), np.uint8)) == (0, 0, 1024, 768)


def test_a_small_logo_on_black_is_not_taken_for_the_picture() -> None:
    image = np.zeros((768, 1024, 3), np.uint8)
    image[330:430, 460:560] = (200, 200, 200)
    assert find_picture_area(image) == (0, 0, 1024, 768)
