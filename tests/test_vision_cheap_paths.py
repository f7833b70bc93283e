"""The cheaper paths of a classification keep their meaning: exact halvings for statistics,
the blank test's integer arithmetic, the picture area found without a fractional resize, a
button whose label detection split into pieces, and the pieces of a labelled value."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from harness.sim.render.bgr import render_bgr
from harness.sim.render.examples import example_view
from harness.vision import Vision, blank
from harness.vision.button_boxes import _holds_a_label, label_lines
from harness.vision.buttons import find_button_boxes
from harness.vision.labelled_values import read_values
from harness.vision.ocr import ReadLine
from harness.vision.page import Page
from harness.vision.picture_area import find_picture_area
from harness.vision.signature import area_resize, halved_to
from harness.vision.text_lines import TextLine


@pytest.mark.parametrize("shape", [(1080, 1920), (1241, 1926), (535, 947), (301, 640), (7, 9)])
def test_halved_to_stops_between_half_and_all_of_the_width(shape: tuple[int, int]) -> None:
    image = np.random.default_rng(1).integers(0, 256, (*shape, 3), dtype=np.uint8)
    small = halved_to(image, 320)
    assert small.shape[1] <= 320 or small.shape[1] == shape[1]
    assert small.shape[1] > 160 or shape[1] <= 320
    # Exact 2 x 2 averages: the first pixel is the mean of the first 2^k x 2^k block.
    factor = shape[1] // small.shape[1] if small.shape[1] != shape[1] else 1
    block = image[:factor, :factor].reshape(-1, 3).mean(axis=0)
    assert np.abs(small[0, 0].astype(float) - block).max() <= 1.0


def test_area_resize_keeps_the_far_edge() -> None:
    """``area_resize`` maps every pixel (positions measured from the far edge stay true); only
    ``halved_to`` may drop an odd last row or column."""
    image = np.zeros((1018, 1762), np.uint8)
    image[-2:] = 255  # a band along the bottom edge, the last row of the first halving
    small = area_resize(image, (440, 254))
    assert small.shape == (254, 440)
    assert small[-1].mean() > 50  # an even crop before the second halving would lose it


def _content_mask_in_floats(thumb: np.ndarray, background: np.ndarray) -> np.ndarray:
    """The blank test's content mask as first written (float arithmetic), to compare with."""
    pixels = thumb.reshape(thumb.shape[0], thumb.shape[1], -1)
    return np.abs(pixels - background).max(axis=2) > blank.BLANK_TOLERANCE


@pytest.mark.parametrize("seed", range(40))
def test_the_blank_tests_integer_mask_is_the_float_one(seed: int) -> None:
    rng = np.random.default_rng(seed)
    channels = 3 if seed % 4 else 1
    base = rng.integers(0, 256, channels)
    thumb = np.clip(base + rng.normal(0, 12, (72, 128, channels)), 0, 255).astype(np.int16)
    if channels == 1:
        thumb = thumb[..., 0]
    background = blank._dominant_colour(thumb)
    if seed % 2:
        background = background + 0.5  # a median of an even count ends in .5
    dark = bool(float(background.max()) < blank.DARK_LEVEL)
    got = blank._content_mask(thumb, background, dark)
    if dark:
        expected = thumb.reshape(72, 128, -1).max(axis=2) >= blank.DARK_LEVEL
    else:
        expected = _content_mask_in_floats(thumb, background)
    assert np.array_equal(got, expected)


@pytest.mark.parametrize(("top", "left"), [(0, 0), (27, 0), (0, 64), (13, 21)])
def test_the_picture_area_of_a_reduced_frame_finds_its_bars(top: int, left: int) -> None:
    frame = np.zeros((540, 960, 3), np.uint8)
    frame[top : 540 - top, left : 960 - left] = (117, 66, 0)
    x, y, w, h = find_picture_area(frame)
    assert abs(x - left) <= 1 and abs(y - top) <= 1
    assert abs(w - (960 - 2 * left)) <= 2 and abs(h - (540 - 2 * top)) <= 2
    # A full-size frame is halved first: the same bars, in its own pixels.
    big = cv2.resize(frame, (1920, 1080), interpolation=cv2.INTER_NEAREST)
    bx, by, bw, bh = find_picture_area(big)
    assert abs(bx - 2 * left) <= 2 and abs(by - 2 * top) <= 2
    assert abs(bw - 2 * (960 - 2 * left)) <= 4 and abs(bh - 2 * (540 - 2 * top)) <= 4


def _button_page(pieces: list[tuple[int, int, int, int]]) -> tuple[Page, tuple[int, ...]]:
    image = np.full((300, 600, 3), (117, 66, 0), np.uint8)  # the OOBE blue
    box = (300, 200, 220, 60)
    cv2.rectangle(image, (300, 200), (519, 259), (215, 120, 0), -1)  # the accent fill
    cv2.rectangle(image, (300, 200), (519, 259), (255, 255, 255), 2)  # its border
    for x, y, w, h in pieces:  # the label's strokes: white bars with gaps, as letters are
        for left in range(x, x + w - 3, 8):
            cv2.rectangle(image, (left, y + 2), (left + 3, y + h - 3), (255, 255, 255), -1)
    lines = [TextLine(piece, 18.0, 4, "light") for piece in pieces]
    return Page(image, (0, 0, 600, 300), lines, reader=None), box  # type: ignore[arg-type]


def test_a_button_whose_label_was_detected_in_pieces_holds_a_label() -> None:
    """ "Set up PIN" split at its word gap is still one row of text inside the button."""
    page, box = _button_page([(340, 220, 40, 22), (400, 221, 80, 21)])
    assert _holds_a_label(page, box)


def test_a_box_around_two_rows_of_text_is_no_button() -> None:
    page, box = _button_page([(340, 205, 120, 18), (340, 233, 120, 18)])
    assert not _holds_a_label(page, box)


def test_the_fill_around_a_light_label_is_no_dark_line_of_it() -> None:
    """A small blue button on a light page: detection sees the fill around "Next" as dark text
    (above and below its letters). Those "lines" are no label; the letters are."""
    image = np.full((300, 600, 3), 250, np.uint8)
    box = (300, 200, 160, 64)
    cv2.rectangle(image, (300, 200), (459, 263), (190, 100, 40), -1)
    for left in range(350, 400, 8):  # the light letters
        cv2.rectangle(image, (left, 224), (left + 3, 240), (245, 245, 245), -1)
    letters = TextLine((350, 222, 52, 20), 16.0, 4, "light")
    above = TextLine((350, 205, 52, 20), 20.0, 1, "dark")  # fill only: nothing darker in it
    below = TextLine((350, 232, 52, 20), 20.0, 1, "dark")
    page = Page(image, (0, 0, 600, 300), [above, letters, below], reader=None)  # type: ignore[arg-type]
    assert label_lines(page, box) == [letters]
    assert _holds_a_label(page, box)
    # Without the rule the two fill "lines" would be two rows: no button.
    page_without_letters = Page(image, (0, 0, 600, 300), [above, below], reader=None)  # type: ignore[arg-type]
    assert label_lines(page_without_letters, box) == []


def _read(text: str, box: tuple[int, int, int, int], confidence: float = 0.95) -> ReadLine:
    return ReadLine(TextLine(box, box[3] * 0.7, max(1, len(text) // 2), "light"), text, confidence)


VALUE_LABELS = {"organization": ("Organization:",), "profile": ("Deployment profile:",)}


def test_a_sliver_under_a_value_is_not_a_piece_of_it() -> None:
    """JPEG ringing or an annotation's top edge under "Contoso Ltd" lies on the label's row by
    overlap, but it neither follows the value like a word nor has its height."""
    reads = [
        _read("Organization:", (230, 194, 113, 21)),
        _read("Contoso Ltd", (685, 194, 107, 17)),
        _read("eee SS", (707, 210, 41, 6), confidence=0.26),
    ]
    assert read_values(reads, VALUE_LABELS)["organization"].text == "Contoso Ltd"


def test_a_value_detected_in_pieces_is_still_joined() -> None:
    reads = [
        _read("Organization:", (230, 194, 113, 21)),
        _read("Contoso", (685, 194, 66, 17)),
        _read("Ltd", (760, 194, 30, 17)),
    ]
    assert read_values(reads, VALUE_LABELS)["organization"].text == "Contoso Ltd"


def test_of_reads_stacked_over_a_value_the_surest_is_the_value() -> None:
    """A red box drawn around a value is detected as lines of its own, over and under it, and
    read as debris; sorted across, such a line may even come before the value."""
    reads = [
        _read("Deployment profile:", (108, 218, 171, 20)),
        _read("AP-PIOIIE-AOSK", (504, 226, 152, 23), confidence=0.0),
        _read("AP-Profile-Kiosk", (510, 218, 150, 16), confidence=0.89),
        _read("afila.K ic", (576, 205, 51, 24), confidence=0.22),
    ]
    assert read_values(reads, VALUE_LABELS)["profile"].text == "AP-Profile-Kiosk"


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_a_frame_redrawn_in_the_same_buffer_is_classified_again(size: tuple[int, int]) -> None:
    """The reuse of the last classification is keyed on the buffer and a sparse checksum: a
    grabber that draws the next frame into the same array must not get the last answer."""
    vision = Vision()
    frame = render_bgr(example_view("esp", 10), size)
    assert vision.classify(frame).state.value == "esp"
    np.copyto(frame, render_bgr(example_view("success", 10, "success"), size))
    assert vision.classify(frame).state.value == "success"


@pytest.mark.parametrize("screen", ["configuration", "failure"])
def test_buttons_found_on_the_shared_small_copy_are_the_buttons(screen: str) -> None:
    """A picture area a few lines short of the frame (overscan) is not reduced again for the
    button search: the shared small copy gives the same buttons, within its pixel size."""
    frame = render_bgr(example_view(screen, 10, "failure"), (1920, 1080))
    area = (6, 5, 1906, 1068)
    factor = 540 / 1080
    small = area_resize(frame, (960, 540))
    shared = find_button_boxes(frame, area, area[3], (small, factor))
    own = find_button_boxes(frame, area, area[3])
    assert len(shared) >= 2 and len(shared) == len(own)
    for mine, theirs in zip(sorted(shared), sorted(own), strict=True):
        assert max(abs(a - b) for a, b in zip(mine, theirs, strict=True)) <= 4, (mine, theirs)


def test_a_small_copy_far_from_the_working_scale_is_not_used() -> None:
    frame = render_bgr(example_view("configuration", 10), (1920, 1080))
    area = (900, 400, 1020, 680)  # a picture inside its frame, with the buttons: 540 / 680 lines
    small = area_resize(frame, (960, 540))
    wrong = np.zeros_like(small)  # were it used, no button would be found
    own = find_button_boxes(frame, area, area[3])
    assert len(own) >= 2
    assert find_button_boxes(frame, area, area[3], (wrong, 0.5)) == own


def test_a_line_glanced_as_a_label_keeps_its_glance_and_a_value_does_not() -> None:
    from harness.vision.field_reader import _glanced_fixed_text
    from harness.vision.ocr import GLANCE_PX

    glanced = {
        "label": "Organization :",
        "inline": "Organization: Contoso",  # holds a value: read at full size
        "near miss": "Deployment prof:",  # its tail would pass for a value
    }
    lines = {
        name: TextLine((230, 40 + 50 * row, 200, 21), 15.0, 12, "light")
        for row, name in enumerate([*glanced, "unread"])
    }
    image = np.zeros((400, 600, 3), np.uint8)
    page = Page(image, (0, 0, 600, 400), list(lines.values()), None)  # type: ignore[arg-type]
    for index, (name, text) in enumerate(glanced.items()):
        page.glances[index] = ReadLine(lines[name], text, 0.9, GLANCE_PX)
    fixed = ["Organization:", "Deployment profile:"]
    kept = {name: _glanced_fixed_text(page, line, fixed) for name, line in lines.items()}
    assert kept["label"] is page.glances[0]
    assert kept == {"label": page.glances[0], "inline": None, "near miss": None, "unread": None}
