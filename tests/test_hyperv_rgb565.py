"""The RGB565 thumbnail decoder against vectors from the documented formula."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from harness.errors import RigError
from harness.targets.hyperv_rgb565 import decode_rgb565, is_all_black


def formula(pixel: int) -> tuple[int, int, int]:
    """The documented decoder, one pixel at a time, as (b, g, r)."""
    r5, g6, b5 = pixel >> 11, (pixel >> 5) & 63, pixel & 31
    return ((b5 * 527 + 23) >> 6, (g6 * 259 + 33) >> 6, (r5 * 527 + 23) >> 6)


def little_endian(pixels: list[int]) -> bytes:
    return struct.pack(f"<{len(pixels)}H", *pixels)


@pytest.mark.parametrize(
    ("pixel", "bgr"),
    [
        (0xFFFF, (255, 255, 255)),  # white
        (0x0000, (0, 0, 0)),  # black
        (0xF800, (0, 0, 255)),  # pure red
        (0x07E0, (0, 255, 0)),  # pure green
        (0x001F, (255, 0, 0)),  # pure blue
        (0x8410, (132, 130, 132)),  # r5 16, g6 32, b5 16
        (0x0821, (8, 4, 8)),  # r5 1, g6 1, b5 1: the smallest steps
        (0x7BEF, (123, 125, 123)),  # r5 15, g6 31, b5 15
    ],
)
def test_known_vectors(pixel: int, bgr: tuple[int, int, int]) -> None:
    assert formula(pixel) == bgr  # the vector itself follows the documented formula
    image = decode_rgb565(little_endian([pixel]), 1, 1)
    assert image.dtype == np.uint8 and image.shape == (1, 1, 3)
    assert tuple(int(v) for v in image[0, 0]) == bgr


def test_bytes_are_little_endian() -> None:
    image = decode_rgb565(bytes([0x00, 0xF8]), 1, 1)  # 0xF800: red
    assert tuple(image[0, 0]) == (0, 0, 255)


def test_every_value_matches_the_formula() -> None:
    pixels = list(range(65536))
    image = decode_rgb565(little_endian(pixels), 256, 256)
    expected = np.array([formula(p) for p in pixels], dtype=np.uint8).reshape(256, 256, 3)
    assert np.array_equal(image, expected)


def test_odd_size_is_row_major() -> None:
    width, height = 3, 5
    pixels = [(i * 4099) & 0xFFFF for i in range(width * height)]
    image = decode_rgb565(little_endian(pixels), width, height)
    assert image.shape == (5, 3, 3)
    for index, pixel in enumerate(pixels):
        row, column = divmod(index, width)
        assert tuple(int(v) for v in image[row, column]) == formula(pixel)


def test_short_buffer_is_a_clear_rig_error() -> None:
    with pytest.raises(RigError, match=r"buffer is short: 29 bytes, expected 30 for 3x5 RGB565"):
        decode_rgb565(bytes(29), 3, 5)


def test_long_buffer_and_impossible_size_are_rig_errors() -> None:
    with pytest.raises(RigError, match="too long: 32 bytes, expected 30"):
        decode_rgb565(bytes(32), 3, 5)
    with pytest.raises(RigError, match="impossible size 0x5"):
        decode_rgb565(b"", 0, 5)


def test_black_check() -> None:
    assert is_all_black(decode_rgb565(bytes(30), 3, 5))
    assert is_all_black(decode_rgb565(little_endian([0x0821] * 15), 3, 5))  # 8 at most: black
    one_grey_pixel = [0] * 14 + [0x1082]  # r5 2, g6 4, b5 2 -> 16, 16, 16
    assert not is_all_black(decode_rgb565(little_endian(one_grey_pixel), 3, 5))
