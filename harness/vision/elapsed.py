"""Parse the elapsed time shown on the result screen, permissively.

Real devices show ``0 h 9 min``; other builds and languages may show ``1:05:09``, ``09:30``,
``12 minutes`` or ``1 hour 3 minutes``. Unit words come from the definitions (``labels.hours``...)
so that a language file can add its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

ENGLISH_UNITS: dict[str, tuple[str, ...]] = {
    "hours": ("h", "hr", "hrs", "hour", "hours"),
    "minutes": ("m", "min", "mins", "minute", "minutes"),
    "seconds": ("s", "sec", "secs", "second", "seconds"),
}
_CLOCK = re.compile(r"(?<![\d:])(\d{1,3}):([0-5]\d)(?::([0-5]\d))?(?![\d:])")
_AMOUNT = re.compile(r"(\d+)\s*([^\W\d_]+\.?)", re.UNICODE)
_FACTORS = {"hours": 3600, "minutes": 60, "seconds": 1}


def parse_elapsed(text: str | None, units: dict[str, Sequence[str]] | None = None) -> int | None:
    """Seconds, or None when the text holds no recognisable duration.

    ``h:mm:ss`` and ``mm:ss`` are clocks; otherwise every ``<number> <unit>`` pair is summed.
    OCR often reads ``0 h 9 min`` as ``Oh 9min``: a letter O next to a unit counts as zero.
    """
    if not text:
        return None
    cleaned = re.sub(r"(?<![\w])[oO](?=\s*[hHmM])", "0", text.strip())
    clock = _CLOCK.search(cleaned)
    if clock:
        first, second, third = clock.groups()
        if third is not None:
            return int(first) * 3600 + int(second) * 60 + int(third)
        return int(first) * 60 + int(second)
    table = {
        unit: tuple(word.lower().rstrip(".") for word in words)
        for unit, words in (units or ENGLISH_UNITS).items()
    }
    total = 0
    found = False
    for amount, word in _AMOUNT.findall(cleaned):
        word = word.lower().rstrip(".")
        for unit, words in table.items():
            if word in words:
                total += int(amount) * _FACTORS.get(unit, 0)
                found = True
                break
    return total if found else None
