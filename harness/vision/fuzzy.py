"""Fuzzy text matching for OCR output: OCR drops, doubles and confuses characters."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_SPACES = re.compile(r"\s+")
_NOISE = re.compile(r"[^\w\s:.\-?'()/]+")


def normalise(text: str) -> str:
    """Lower-case, typographic quotes folded, stray symbols dropped, whitespace collapsed."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2026", "...")
    return _SPACES.sub(" ", _NOISE.sub(" ", text.lower())).strip()


def similarity(a: str, b: str) -> float:
    """0..1, 1 for equal normalised strings."""
    return SequenceMatcher(None, normalise(a), normalise(b), autojunk=False).ratio()


def best_substring_match(needle: str, haystack: str) -> tuple[float, str]:
    """The best similarity of ``needle`` against any run of words of ``haystack`` of about its
    length, and that run. Tries each line, then all lines joined (a long title wraps)."""
    target = normalise(needle)
    if not target:
        return 0.0, ""
    size = len(target.split())
    best = (0.0, "")
    lines = haystack.splitlines()
    for line in [*lines, " ".join(lines)] if len(lines) > 1 else lines:
        words = normalise(line).split()
        for length in {max(1, size - 1), size, size + 1}:
            for start in range(max(1, len(words) - length + 1)):
                window = " ".join(words[start : start + length])
                if not window:
                    continue
                score = SequenceMatcher(None, target, window, autojunk=False).ratio()
                if score > best[0]:
                    best = (score, window)
    return best
