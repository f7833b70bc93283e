"""Label/value pairs from OCR lines: ``Organization: Contoso`` on one line (the result screens'
two columns) or the label on one line and the value on the next (the Windows 11 card)."""

from __future__ import annotations

from collections.abc import Sequence

from harness.vision.fuzzy import normalise, similarity

_LABEL_SIMILARITY = 0.8


def _split_label(line: str, labels: Sequence[str]) -> tuple[float, str] | None:
    """(similarity, rest of the line) when ``line`` holds one of ``labels``. The label may follow
    OCR debris (a QR code or an icon read as letters), so every word position is tried."""
    words = line.split()
    best: tuple[float, str] | None = None
    for label in labels:
        size = len(label.split())
        for start in range(len(words)):
            for take in {max(1, size - 1), size, size + 1}:
                if start + take > len(words):
                    continue
                head = " ".join(words[start : start + take])
                score = similarity(head, label)
                if score >= _LABEL_SIMILARITY and (best is None or score > best[0]):
                    best = (score, " ".join(words[start + take :]).lstrip(":;. ").strip())
    return best


def _is_any_label(line: str, all_labels: Sequence[Sequence[str]]) -> bool:
    return any(_split_label(line, labels) is not None for labels in all_labels)


def find_value(
    lines: Sequence[str], labels: Sequence[str], all_labels: Sequence[Sequence[str]]
) -> str | None:
    """The value shown for the first line that starts with one of ``labels``."""
    for index, line in enumerate(lines):
        found = _split_label(line, labels)
        if found is None:
            continue
        rest = found[1]
        if rest:
            return rest
        if index + 1 < len(lines) and not _is_any_label(lines[index + 1], all_labels):
            return lines[index + 1].strip() or None
        return None
    return None


def snap(value: str | None, known: Sequence[str], threshold: float = 0.8) -> str | None:
    """``value`` replaced by the known text it resembles (OCR slips), else unchanged."""
    if value is None:
        return None
    best = max(known, key=lambda text: similarity(value, text), default=None)
    if best is not None and similarity(value, best) >= threshold:
        return best
    return value


def clean_value(value: str | None) -> str | None:
    """Trim OCR debris at the ends (stray quotes, bars, dots from icons or rules)."""
    if value is None:
        return None
    trimmed = value.strip(" |_-~'\"`.,;:")
    return trimmed or None


__all__ = ["clean_value", "find_value", "normalise", "snap"]
