"""Second looks at doubtful reads (``harness.vision.second_opinion``), the ESP reader's repairs of
split or littered lines, frames whose buttons touch the picture's edge, and off screens framed
by a desk or covered in red annotations."""

from __future__ import annotations

import logging

import cv2
import numpy as np
import pytest

from harness.sim.render.corpus import random_frame
from harness.vision import Vision
from harness.vision.blank import blank_kind
from harness.vision.button_boxes import _stands_out
from harness.vision.elapsed import reads_as_elapsed
from harness.vision.error_codes import extract_codes, malformed_code
from harness.vision.esp_reader import parse_esp, read_esp
from harness.vision.fuzzy import similarity
from harness.vision.labelled_values import read_values
from harness.vision.ocr import ReadLine
from harness.vision.ocr_engine import LazyEngine
from harness.vision.page import Page
from harness.vision.second_opinion import doubtful, preferred, respaced
from harness.vision.text_lines import TextLine
from harness.vision.text_rows import glyph_rows


@pytest.fixture(scope="module")
def vision() -> Vision:
    return Vision()


PHASES = ("Device preparation", "Device setup", "Account setup")
STATUSES = ("Complete", "Failed", "Working on it...", "Waiting for previous step to finish")


@pytest.mark.parametrize(
    ("text", "malformed"),
    [
        ("Failed: Oxci1036501", True),  # an extra letter inside the code
        ("Fated: 0x800705p4", True),  # b read as p
        ("Failed: 0x800705b4", False),
        ("(Failed: Ox801cO3ea)", False),  # O for 0 is read as a code already
        ("Oxford Road", False),  # no digits: not shaped like a code
        ("0x8018", False),  # too short to be one
    ],
)
def test_a_code_shaped_token_that_is_no_code_is_malformed(text: str, malformed: bool) -> None:
    assert malformed_code(text) is malformed


def test_what_is_doubtful() -> None:
    assert doubtful("", 0.0)
    assert doubtful("Complete", 0.4)
    assert doubtful("Failed: Oxci1036501", 0.95)
    assert not doubtful("Complete", 0.9)
    assert doubtful("ons2 min", 0.9, reads_as_elapsed)
    assert not doubtful("0 h 52 min", 0.9, reads_as_elapsed)


@pytest.mark.parametrize(
    ("letters", "spacing", "expected"),
    [
        # RapidOCR's letters, Tesseract's word spaces.
        ("Waitingforprevioussteptofinish", "Waitin for previous step to finish",
         "Waiting for previous step to finish"),
        ("SecuringYourhardware(Failed:0x801c03ea)", "Securing your hardware Failed: Ox801cO3ea)",
         "Securing Your hardware (Failed: 0x801c03ea)"),
        ("Contoso Ltd", "Contoso Lid", "Contoso Ltd"),
        ("0h52min", "", "0h52min"),
    ],
)  # fmt: skip
def test_respaced_puts_back_the_other_reads_spaces(
    letters: str, spacing: str, expected: str
) -> None:
    assert respaced(letters, spacing) == expected


def test_the_second_read_wins_only_where_it_is_sure_and_the_first_was_not() -> None:
    assert preferred(("", 0.0), ("Failed", 0.95)) == ("Failed", 0.95)
    assert preferred(("Faled", 0.3), ("Failed", 0.6)) == ("Faled", 0.3)  # second unsure
    assert preferred(("Complete", 0.9), ("Compete", 0.99)) == ("Complete", 0.9)  # first sure
    shaped = preferred(("ons2 min", 0.8), ("0h52min", 0.9), reads_as_elapsed)
    assert shaped[0].replace(" ", "") == "0h52min"
    # A second read its field cannot hold does not replace a first one it can.
    assert preferred(("0 h 5 min", 0.5), ("Oh5mn", 0.9), reads_as_elapsed)[0] == "0 h 5 min"


def test_an_icon_or_an_annotation_edge_before_a_status_is_not_read_as_part_of_it() -> None:
    lines = ["Device preparation", "[Complete", "Device setup", "| Working on it...",
             "Account setup", "¥ Waiting for previous step to finish"]  # fmt: skip
    phases = parse_esp(lines, PHASES, STATUSES)
    assert [phase.status for phase in phases] == [
        "Complete",
        "Working on it...",
        "Waiting for previous step to finish",
    ]


def test_a_wrapped_sub_steps_bracketed_state_keeps_its_bracket() -> None:
    lines = ["Device preparation", "Failed", "Securing your hardware", "(Failed: 0x800705b4)"]
    (phase,) = parse_esp(lines, PHASES, STATUSES)
    assert phase.status == "Failed"
    assert [(step.name, step.error_code) for step in phase.steps] == [
        ("Securing your hardware", "0x800705b4")
    ]


@pytest.mark.parametrize("edge", ["top", "bottom"])
def test_a_button_box_on_the_pictures_edge_is_judged_without_error(edge: str) -> None:
    image = np.full((120, 200, 3), 200, np.uint8)
    box = (40, 0, 120, 30) if edge == "top" else (40, 90, 120, 30)
    page = Page(image, (0, 0, 200, 120), [], reader=None)  # type: ignore[arg-type]
    assert _stands_out(page, box, None) is False  # flat grey: no fill, no border


def test_a_frame_that_once_crashed_vision_is_read_without_error() -> None:
    """Frame 200098 of the randomized corpus is a result screen whose button touches the
    picture's bottom edge; reading the button's border raised IndexError (a rig error)."""
    observation = Vision().observe(random_frame(200098).image)
    assert observation.state.value == random_frame(200098).expected["state"]


def _black_screen_in_surround(surround: tuple[int, int, int]) -> np.ndarray:
    """A black screen in a dark grey rounded bezel on a desk of ``surround`` colour."""
    frame = np.full((720, 1280, 3), surround, np.uint8)
    cv2.rectangle(frame, (40, 30), (1240, 690), (22, 22, 22), -1)  # the bezel
    for corner in ((40, 30), (1240, 30), (40, 690), (1240, 690)):
        cv2.circle(frame, corner, 30, surround, -1)  # rounded corners show the desk
    cv2.rectangle(frame, (80, 60), (1200, 660), (0, 0, 0), -1)  # the screen, off
    return frame


@pytest.mark.parametrize("desk", [(120, 140, 160), (200, 200, 200), (60, 90, 40)])
def test_a_black_screen_on_a_desk_is_black(desk: tuple[int, int, int]) -> None:
    assert blank_kind(_black_screen_in_surround(desk)) == "black"


def test_red_annotations_on_an_off_screen_leave_it_black() -> None:
    frame = np.zeros((720, 1280, 3), np.uint8)
    red = (40, 30, 220)
    cv2.rectangle(frame, (900, 500), (1200, 600), red, 4, cv2.LINE_AA)
    cv2.arrowedLine(frame, (200, 600), (400, 300), red, 4, cv2.LINE_AA)
    cv2.putText(frame, "Click here", (60, 120), cv2.FONT_HERSHEY_SIMPLEX, 1.4, red, 3)
    assert blank_kind(frame) == "black"


def test_a_grey_logo_on_black_is_still_firmware_and_text_is_still_content() -> None:
    logo = np.zeros((720, 1280, 3), np.uint8)
    cv2.putText(logo, "SIMTEK", (500, 380), cv2.FONT_HERSHEY_SIMPLEX, 2.5, (200, 200, 200), 6)
    assert blank_kind(logo) == "firmware"
    page = np.zeros((720, 1280, 3), np.uint8)
    for row in range(8):  # a dark page of text is no blank screen
        cv2.putText(page, "Lorem ipsum dolor sit amet " * 2, (40, 80 + 70 * row),
                    cv2.FONT_HERSHEY_SIMPLEX, 1.2, (230, 230, 230), 2)  # fmt: skip
    assert blank_kind(page) is None


@pytest.mark.parametrize(
    ("frame_seed", "why"),
    [
        (100011, "QR modules made the largest 'title'; the title's second line came first"),
        (100119, "a subtitle tucked under the title's descenders spoilt the title's crop"),
        (100054, "detection split the selected tile's title into four pieces"),
        (300044, "blur made a bold heading's blobs look larger than the thin title"),
        (100140, "a firmware logo on black, annotated in red"),
        (200010, "an off screen in a tablet's bezel on a desk"),
    ],
)
def test_frames_of_the_corpus_once_misread_are_read_right(
    vision: Vision, frame_seed: int, why: str
) -> None:
    frame = random_frame(frame_seed)
    observation = vision.observe(frame.image)
    assert observation.state.value == frame.expected["state"], why
    if "title" in frame.expected and frame.expected["state"] != "oobe":
        assert observation.fields.title == frame.expected["title"], why
    if "selected_tile" in frame.expected:
        assert observation.fields.selected_tile == frame.expected["selected_tile"], why


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Failed: 0x801 c03ea", ("0x801c03ea",)),  # OCR split the code with a space
        ("Oxc 1036501", ("0xc1036501",)),
        ("0x800705b4 12 of 14", ("0x800705b4",)),  # a number after the code is not in it
        ("0x8007 05b4 9", ("0x800705b4",)),
    ],
)
def test_a_code_split_by_one_space_is_read_whole(text: str, codes: tuple[str, ...]) -> None:
    assert extract_codes(text) == codes


def test_a_phase_name_between_an_icons_and_a_links_debris_is_the_phase() -> None:
    lines = ["38 Account setup \u201cor Orr's", "Waiting for previous step to finish"]
    (phase,) = parse_esp(lines, PHASES, STATUSES)
    assert (phase.name, phase.status) == ("Account setup", "Waiting for previous step to finish")
    # A sub-step that starts with a phase's words is not a phase.
    assert parse_esp(["Device setup (Complete) and more"], PHASES, STATUSES) == ()


def _read(text: str, box: tuple[int, int, int, int], confidence: float = 0.95) -> ReadLine:
    return ReadLine(TextLine(box, box[3] * 0.7, max(1, len(text) // 2), "dark"), text, confidence)


LABELS = {
    "organization": ("Organization:",),
    "profile": ("Deployment profile:", "Profile:"),
    "user": ("Assigned user:", "User:"),
}


def test_a_label_detected_in_two_pieces_finds_its_value_under_it() -> None:
    reads = [
        _read("Assigned u", (136, 313, 70, 16)),
        _read("user:", (212, 316, 37, 9)),  # alone it reads as the label "User:"
        _read("Not assigned", (136, 337, 92, 15)),
    ]
    assert read_values(reads, LABELS)["user"].text == "Not assigned"


def test_an_arrow_beside_a_label_is_not_where_its_value_starts() -> None:
    reads = [
        _read("Assigned user:", (486, 246, 108, 16)),
        _read("a", (658, 259, 154, 35), confidence=0.0),  # a red arrow, read as a letter
        _read("megan.b@fabrikam.com", (487, 268, 162, 16)),
    ]
    assert read_values(reads, LABELS)["user"].text == "megan.b@fabrikam.com"


def test_a_row_that_begins_with_a_dot_keeps_its_letters() -> None:
    """The dot of an i sorts first by its centre; a row begun by it used to end at the dot's
    bottom and send the x-height letters of the same word to a row of their own."""
    dot, ascender = [100, 100, 7, 5], [120, 100, 2, 10]
    capitals = [[130 + 30 * i, 100, 10, 12] for i in range(3)]
    small = [[145 + 30 * i, 106, 10, 8] for i in range(3)]  # tops below the dot's bottom
    rows = glyph_rows(np.array([dot, ascender, *capitals, *small], np.int32))
    assert sorted(len(row) for row in rows) == [8]


def test_a_second_read_in_another_script_is_not_taken() -> None:
    """RapidOCR's model reads Chinese too: a blurred icon or glyph becomes a CJK character."""
    assert preferred(("", 0.0), ("\u4e2a", 0.97)) == ("", 0.0)
    assert preferred(("Faled", 0.3), ("Failed \u4e2a", 0.95)) == ("Faled", 0.3)
    assert preferred(("Fa1led", 0.3), ("Failed", 0.95)) == ("Failed", 0.95)


def test_debris_under_a_phase_name_is_not_its_status() -> None:
    reads = [
        _read("Device preparation", (707, 189, 129, 15)),
        _read("+ _\u2014", (731, 212, 20, 5), confidence=0.09),  # a ghost of the status line
        _read("Working on it...", (707, 215, 65, 11)),
    ]
    (phase,) = read_esp(reads, PHASES, STATUSES)
    assert phase.status == "Working on it..."


def test_an_oobe_pages_heading_takes_the_pieces_of_its_row(vision: Vision) -> None:
    """Frame 800042: "Let's start with region." and "Is this right?" are two lines of one row;
    the larger second one used to name the page alone."""
    frame = random_frame(800042)
    observation = vision.observe(frame.image)
    assert observation.state.value == "oobe"
    assert similarity(observation.fields.title or "", frame.expected["title"]) >= 0.9


def test_without_the_second_engine_installed_vision_says_so_and_reads_alone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level("WARNING", logger="harness.vision.vision"):
        alone = Vision(second_opinion="no-such-engine")
    assert "second-opinion OCR engine no-such-engine is not installed" in caplog.text
    frame = random_frame(700012)  # a blurred thumbnail: reads that want a second look
    assert alone.observe(frame.image).state.value == "esp"


def test_a_second_engine_that_fails_to_start_is_a_warning_once_not_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = LazyEngine("tesseract", logging.getLogger("test.lazy"))
    engine._name = "rapidocr-broken"  # a name engine_by_name does not know
    with caplog.at_level("WARNING", logger="test.lazy"):
        assert engine() is None
        assert engine() is None
    assert caplog.text.count("unavailable") == 1
