"""A second engine's read of a line the first engine could not read with confidence.

Measured side by side (``docs/benchmarks.md``, "OCR engines"), Tesseract reads more lines exactly
and faster, and stays the recogniser of every line; RapidOCR's recogniser still reads letters
that blur, JPEG or a red annotation over the text took from Tesseract (a thumbnail's ``Failed``,
``0x800705b4`` read as ``0x800705p4``). So a line whose read is doubtful - empty, unsure, or not
of the shape its field must have - is read once more by the second engine, and the second read
wins only where it is sure and the first was not. RapidOCR drops word spaces in about a quarter
of the lines ("AutopilotPre-provisioning"); where its letters line up with the first read's, the
first read's spaces are put back.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from difflib import SequenceMatcher

from harness.vision.error_codes import malformed_code

SURE = 0.75
"""Confidence (0..1) above which a read is taken as it is."""
SECOND_SURE = 0.85
"""The second engine's confidence from which its read replaces a doubtful first read: RapidOCR's
is the mean character probability, above 0.9 for lines it reads right."""

_NO_SPACE_AFTER_BRACKET = re.compile(r"([(\[{]) ")
_SPACE_BEFORE_BRACKET = re.compile(r"(\w)([(\[{])")

Plausible = Callable[[str], bool]
"""Whether a text has the shape its field must have (an elapsed time that parses...)."""


def doubtful(text: str, confidence: float, plausible: Plausible | None = None) -> bool:
    """A read worth a second look: nothing read, an unsure read, a code-shaped token that is no
    code, or a text its field cannot hold."""
    if not text or confidence < SURE or malformed_code(text):
        return True
    return plausible is not None and not plausible(text)


def preferred(
    first: tuple[str, float], second: tuple[str, float], plausible: Plausible | None = None
) -> tuple[str, float]:
    """The read to keep of the first engine's (doubtful) and the second engine's."""
    first_text, first_confidence = first
    second_text, second_confidence = second
    if not second_text or second_confidence < SECOND_SURE or _foreign(second_text, first_text):
        return first
    if plausible is not None and not plausible(second_text) and plausible(first_text):
        return first
    if first_text and not doubtful(first_text, first_confidence, plausible):
        return first
    return respaced(second_text, first_text), second_confidence


def _foreign(text: str, reference: str) -> bool:
    """Whether ``text`` holds characters of a script ``reference`` has none of: RapidOCR's model
    reads Chinese too, and makes a CJK character of a blurred icon or glyph (``个``)."""

    def scripts(value: str) -> set[str]:
        return {
            unicodedata.name(char, "?").split(" ")[0]
            for char in value
            if char.isalpha() and ord(char) > 0x24F  # beyond Latin (with its extensions)
        }

    return bool(scripts(text) - scripts(reference))


def respaced(letters: str, spacing: str) -> str:
    """``letters`` with a space wherever ``spacing`` (the same words, read by another engine)
    has one between two characters that line up in both texts."""
    if not spacing or " " not in spacing:
        return letters
    plain_spacing, space_before = _without_spaces(spacing)
    plain_letters, letters_space = _without_spaces(letters)
    matcher = SequenceMatcher(None, plain_spacing.casefold(), plain_letters.casefold(), False)
    wanted = set(letters_space)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        # Characters line up where the texts agree, and one for one where OCR swapped letters
        # (``O`` for ``0``): a space before one in ``spacing`` goes before its partner.
        if tag == "equal" or (tag == "replace" and a1 - a0 == b1 - b0):
            wanted.update(b0 + i for i in range(a1 - a0) if a0 + i in space_before)
    joined = "".join(
        (" " if index in wanted and index > 0 else "") + char
        for index, char in enumerate(plain_letters)
    )
    # A bracket only one text has (OCR lost it) takes the space to its outer side.
    return _SPACE_BEFORE_BRACKET.sub(r"\1 \2", _NO_SPACE_AFTER_BRACKET.sub(r"\1", joined))


def _without_spaces(text: str) -> tuple[str, set[int]]:
    """The text without spaces, and the indexes (in it) of characters that had one before."""
    chars: list[str] = []
    before: set[int] = set()
    for char in text.strip():
        if char.isspace():
            before.add(len(chars))
        else:
            chars.append(char)
    return "".join(chars), before
