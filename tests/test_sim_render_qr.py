"""The QR code on the configuration and result screens decodes back to its payload (zbar)."""

from __future__ import annotations

import pytest
from PIL import Image
from pyzbar import pyzbar

from harness.sim.render import render
from harness.sim.render.examples import QR_PAYLOAD, example_view
from harness.sim.render.qr import qr_image
from harness.sim.view import View

SIZES = [(1024, 768), (1366, 768), (1920, 1080), (2560, 1440)]


def _decoded(image: Image.Image) -> list[str]:
    return [
        symbol.data.decode("utf-8") for symbol in pyzbar.decode(image) if symbol.type == "QRCODE"
    ]


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize(
    ("windows", "screen"),
    [(10, "configuration"), (10, "success"), (10, "failure"), (11, "configuration")],
)
def test_qr_decodes_to_the_payload(windows: int, screen: str, size: tuple[int, int]) -> None:
    assert _decoded(render(example_view(screen, windows), size)) == [QR_PAYLOAD]


def test_qr_decodes_at_4k() -> None:
    assert _decoded(render(example_view("success", 10), (3840, 2160))) == [QR_PAYLOAD]


def test_windows_11_result_screens_show_no_qr_code() -> None:
    for screen in ("success", "failure"):
        assert _decoded(render(example_view(screen, 11), (1920, 1080))) == []


def test_modules_are_whole_pixels_with_a_quiet_zone() -> None:
    square = qr_image(QR_PAYLOAD, 235)
    pixels = square.load()
    # The outer four modules (at least 4 px each at this size) are white on every side.
    for offset in range(16):
        assert pixels[offset, 117] == (255, 255, 255)
        assert pixels[234 - offset, 117] == (255, 255, 255)
    # Only pure black and pure white: no anti-aliased module edges.
    assert {colour for _, colour in square.getcolors()} == {(0, 0, 0), (255, 255, 255)}


def test_a_new_payload_gives_a_new_code() -> None:
    data = {
        **example_view("success", 10).data,
        "qr_payload": '{"ZtdId":"11111111-2222-3333-4444-555555555555"}',
    }
    assert _decoded(render(View("success", 10, data=data), (1024, 768))) == [data["qr_payload"]]
