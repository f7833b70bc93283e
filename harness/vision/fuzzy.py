"""Fuzzy text matching for OCR output: OCR drops, doubles and confuses characters, loses or adds
spaces (``UserDrivenAADAdmin``, ``0h9min``) and prints typographic quotes (``Let’s``).

Similarity is RapidFuzz's Indel ratio (2 x longest common subsequence / total length), in C++:
the classifier compares every heading it reads with every title, and label matching slides a
window over each line, so difflib's pure-Python matcher cost a classification 8-10 ms."""

from __future__ import annotations

import re

from rapidfuzz.distance import Indel

_SPACES = re.compile(r"\s+")
_NOISE = re.compile(r"[^\w\s:.\-?'()/@]+")


def normalise(text: str) -> str:
    """Lower-case, typographic quotes folded, stray symbols dropped, whitespace collapsed."""
    text = (
        text.replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("`", "'")
        .replace("\u2026", "...")
        .replace("\u2013", "-")
        .replace("\u2014", "-")
    )
    return _SPACES.sub(" ", _NOISE.sub(" ", text.lower())).strip()


def compact(text: str) -> str:
    """``normalise`` without any spaces: what is left when OCR loses or adds them."""
    return normalise(text).replace(" ", "")


def ratio(a: str, b: str, beat: float = 0.0) -> float:
    """0..1, 1 for equal texts (two empty ones included); 0 for a score that cannot ``beat``."""
    score = Indel.normalized_similarity(a, b, score_cutoff=beat)
    return score if score > beat or beat <= 0 else 0.0


def similarity(a: str, b: str) -> float:
    """0..1, 1 for equal texts; spaces lost or added by OCR do not count against a match."""
    return max(ratio(normalise(a), normalise(b)), ratio(compact(a), compact(b)))


def best_substring_match(needle: str, haystack: str) -> tuple[float, str]:
    """The best similarity of ``needle`` against any run of words of ``haystack`` of about its
    length, and that run. Tries each line, then all lines joined (a long title wraps); runs are
    also compared without spaces."""
    target = normalise(needle)
    if not target:
        return 0.0, ""
    target_compact = target.replace(" ", "")
    size = len(target.split())
    best = (0.0, "")
    lines = [line for line in haystack.splitlines() if line.strip()]
    for line in [*lines, " ".join(lines)] if len(lines) > 1 else lines:
        words = normalise(line).split()
        for length in {max(1, size - 1), size, size + 1}:
            for start in range(max(1, len(words) - length + 1)):
                window = " ".join(words[start : start + length])
                if not window:
                    continue
                score = max(
                    ratio(target, window, best[0]),
                    ratio(target_compact, window.replace(" ", ""), best[0]),
                )
                if score > best[0]:
                    best = (score, window)
    return best


def match_prefix(text: str, label: str, max_skip: int = 4) -> tuple[float, str]:
    """How well ``text`` starts with ``label`` (spaces ignored, a few characters of leading
    debris skipped) and the rest of ``text`` after it, as shown."""
    label_compact = compact(label)
    if not label_compact:
        return 0.0, text
    normalised = normalise(text)  # once: this runs for every line and label candidate
    positions = [index for index, char in enumerate(normalised) if char != " "]
    flat = normalised.replace(" ", "")
    best = (0.0, len(flat))
    for skip in range(0, min(max_skip, len(flat)) + 1):
        for size in range(max(1, len(label_compact) - 2), len(label_compact) + 3):
            if skip + size > len(flat):
                break
            # Only a better score counts: ratio's cheap bound skips most candidates.
            score = ratio(label_compact, flat[skip : skip + size], best[0] + 1e-9)
            # Prefer no skipped debris at an equal score.
            if score > best[0] + 1e-9:
                best = (score, skip + size)
    score, end = best
    rest = normalised[positions[end - 1] + 1 :] if 0 < end <= len(positions) else ""
    return score, _as_shown(text, rest)


def _as_shown(text: str, rest_normalised: str) -> str:
    """The tail of ``text`` (original case) that ``rest_normalised`` is the normal form of."""
    if not rest_normalised.strip(" :;."):
        return ""
    # Count what the words will show: a trailing "." is in the words ("Inc."), so it counts.
    rest_normalised = rest_normalised.lstrip(" :;.")
    words = text.split()
    wanted = len(rest_normalised.replace(" ", ""))
    taken: list[str] = []
    count = 0
    for word in reversed(words):
        if count >= wanted:
            break
        taken.insert(0, word)
        count += len(compact(word))
    shown = " ".join(taken)
    if count > wanted and taken:
        # The label and the value were glued ("Organization:Contoso"): cut inside the word.
        head = taken[0]
        keep = wanted - (count - len(compact(head)))
        shown = " ".join([head[len(head) - keep :] if keep > 0 else "", *taken[1:]])
    return shown.strip().lstrip(":;. ").strip()


def title_similarity(text: str, title: str, beat: float = 0.0) -> float:
    """How well a heading as read (wrapped lines joined) IS ``title``: the whole heading is
    compared, so ``How would you like to set up this device?`` is not ``What would you like to
    do?`` although it contains most of its words. Single stray characters at the ends (icon
    debris) are dropped first. 0 at once for a title that cannot ``beat`` a score."""
    words = normalise(text.replace("\n", " ")).split()
    while len(words) > 1 and len(words[0]) == 1 and words[0] not in ("a", "i"):
        words.pop(0)
    while len(words) > 1 and len(words[-1]) == 1 and not words[-1].isalnum():
        words.pop()
    heading = " ".join(words)
    wanted = normalise(title)
    spaced = ratio(heading, wanted, beat)
    joined = ratio(heading.replace(" ", ""), wanted.replace(" ", ""), max(beat, spaced))
    return max(spaced, joined)
