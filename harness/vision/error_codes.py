"""Error codes on screen (``0x800705b4``) and the failure category they imply.

The code -> category table is data (``fixtures/screens/failure-codes.yaml``), passed in here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from harness.vision.observation import FailureCategory

# OCR reads 0x80 as Ox80 / 0X80 / 0x8O: accept an O for the zero prefix, and fix O/o inside.
# OCR also splits a code with a space ("0x801 c03ea", "Oxc 1036501"): one space between digits
# is allowed, and taken out.
_CODE = re.compile(r"(?<![0-9a-z])[0oO][xX]((?:[0-9a-fA-FoO] ?){7}[0-9a-fA-FoO])(?![0-9a-z])")

_CODE_LIKE = re.compile(r"(?<![0-9a-z])[0oO][xX]\S{5,11}")
"""What OCR makes of a code: the prefix, then about eight characters (``Oxci1036501``)."""

CodeTable = Iterable[tuple[str, str, str]]
"""(kind ``code``/``text``, lower-case pattern, category value) as loaded from the data file."""


def extract_codes(text: str | None) -> tuple[str, ...]:
    """Every hexadecimal error code in ``text``, lower-case, in order, without repeats."""
    if not text:
        return ()
    codes: list[str] = []
    for digits in _CODE.findall(text):
        code = "0x" + digits.lower().replace("o", "0").replace(" ", "")
        if code[2] in "8c" and code not in codes:
            codes.append(code)
    return tuple(codes)


def malformed_code(text: str) -> bool:
    """Whether ``text`` holds a token shaped like an error code (the ``0x`` prefix, about eight
    characters, digits among them) that does not read as one: an OCR slip inside the code."""
    for match in _CODE_LIKE.finditer(text):
        token = match.group(0).rstrip(").,;]")
        if sum(char.isdigit() for char in token[2:]) >= 3 and not extract_codes(token):
            return True
    return False


def categorise(codes: Iterable[str], text: str | None, table: CodeTable) -> FailureCategory | None:
    """The category of the first code (or text) the table knows; UNKNOWN when there are codes or
    text the table does not know; None when there is nothing to categorise."""
    entries = list(table)
    code_list = [code.lower() for code in codes]
    for code in code_list:
        for kind, pattern, category in entries:
            if kind == "code" and pattern == code:
                return FailureCategory(category)
    lowered = (text or "").lower()
    for kind, pattern, category in entries:
        if kind == "text" and pattern in lowered:
            return FailureCategory(category)
    if code_list or lowered.strip():
        return FailureCategory.UNKNOWN
    return None
