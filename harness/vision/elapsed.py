"""Parse the elapsed time shown on the result screen, permissively.

Real devices show ``0 h 9 min``; other builds and languages may show ``1:05:09``, ``09:30``,
``12 minutes`` or ``1 hour 3 minutes``. Unit words come from the definitions (``labels.hours``...)
so that a language file can add its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

ENGLISH_UNITS: dict[str, tuple[str, ...]] = {
    "hours": ("h", "hr", "hrs", "hour", "hours"),
    "minutes": ("m", "min", "mins", "minute", "minutes"),
    "seconds": ("s", "sec", "secs", "second", "seconds"),
}
_CLOCK = re.compile(r"(?<![\d:])(\d{1,3}):([0-5]\d)(?::([0-5]\d))?(?![\d:])")
_TOKEN = re.compile(r"\d+|[^\W\d_]+\.?", re.UNICODE)
_FACTORS = {"hours": 3600, "minutes": 60, "seconds": 1}


def parse_elapsed(text: str | None, units: dict[str, Sequence[str]] | None = None) -> int | None:
    """Seconds, or None when the text holds no recognisable duration.

    ``h:mm:ss`` and ``mm:ss`` are clocks; otherwise every ``<number> <unit>`` pair is summed,
    with or without spaces (``0h9min``). OCR often reads ``0 h 9 min`` as ``Oh 9min`` or
    ``OhOmin``: a letter O where a number stands, before a unit, is a zero. ``0 h 0 min`` is
    0 seconds, not "no time".
    """
    if not text:
        return None
    clock = _CLOCK.search(text)
    if clock:
        first, second, third = clock.groups()
        if third is not None:
            return int(first) * 3600 + int(second) * 60 + int(third)
        return int(first) * 60 + int(second)
    table = {
        word.lower().rstrip("."): _FACTORS.get(unit, 0)
        for unit, words in (units or ENGLISH_UNITS).items()
        for word in words
    }
    pieces = _pieces(text, table)
    total = 0
    found = False
    for current, following in pairwise(pieces):
        if current.isdigit() and following.lower() in table:
            total += int(current) * table[following.lower()]
            found = True
    return total if found else None


def reads_as_elapsed(text: str, units: dict[str, Sequence[str]] | None = None) -> bool:
    """Whether all of ``text`` is a duration (a clock, or numbers each with a unit): the shape
    an elapsed time's value must have. ``ons2 min`` (a red box over ``0 h 52 min``) is not."""
    if _CLOCK.fullmatch(text.strip()):
        return True
    table = {
        word.lower().rstrip("."): _FACTORS.get(unit, 0)
        for unit, words in (units or ENGLISH_UNITS).items()
        for word in words
    }
    pieces = _pieces(text, table)
    if not pieces or len(pieces) % 2:
        return False
    return all(
        number.isdigit() and unit.lower() in table
        for number, unit in zip(pieces[::2], pieces[1::2], strict=True)
    )


def _pieces(text: str, table: dict[str, int]) -> list[str]:
    """Numbers and words; a run of letters made only of unit words and letters O (``OhOmin``)
    is split into them, each O becoming 0."""
    words = sorted(table, key=len, reverse=True)
    glued = re.compile(
        "(" + "|".join([*(re.escape(word) for word in words), "[oO]"]) + ")", re.IGNORECASE
    )
    pieces: list[str] = []
    for token in _TOKEN.findall(text):
        if token.isdigit():
            pieces.append(token)
            continue
        bare = token.rstrip(".")
        if bare.lower() in table:
            pieces.append(bare)
        elif re.fullmatch(glued.pattern + "+", bare, re.IGNORECASE):
            parts = glued.findall(bare)
            pieces.extend("0" if part in ("o", "O") else part for part in parts)
        else:
            pieces.append(bare)
    return pieces
