"""Button labels found by OCR in the button region, with boxes in frame pixels for backends that
click. A line that holds several labels (``Refresh  Provision``) is split by character offsets."""

from __future__ import annotations

from collections.abc import Sequence

from harness.vision.fuzzy import normalise, similarity
from harness.vision.observation import Button
from harness.vision.ocr import OcrLine

_LABEL_SIMILARITY = 0.8


def find_buttons(lines: Sequence[OcrLine], labels: Sequence[str]) -> tuple[Button, ...]:
    buttons: list[Button] = []
    for line in lines:
        words = normalise(line.text).split()
        if not words:
            continue
        text = " ".join(words)
        start = 0
        while start < len(words):
            hit = _label_at(words, start, labels)
            if hit is None:
                start += 1
                continue
            label, count = hit
            before = len(" ".join(words[:start])) + (1 if start else 0)
            span = len(" ".join(words[start : start + count]))
            buttons.append(Button(label, _sub_box(line.box, before, span, len(text))))
            start += count
    return tuple(sorted(buttons, key=lambda b: (b.box[1], b.box[0])))


def _label_at(words: list[str], start: int, labels: Sequence[str]) -> tuple[str, int] | None:
    best: tuple[float, str, int] | None = None
    for label in labels:
        count = len(label.split())
        window = " ".join(words[start : start + count])
        score = similarity(window, label)
        if score >= _LABEL_SIMILARITY and (best is None or score > best[0]):
            best = (score, label, count)
    return (best[1], best[2]) if best else None


def _sub_box(
    box: tuple[int, int, int, int], start: int, span: int, total: int
) -> tuple[int, int, int, int]:
    x, y, w, h = box
    if total <= 0:
        return box
    left = x + int(w * start / total)
    width = max(1, int(w * span / total))
    pad = h // 2
    return (max(0, left - pad), max(0, y - pad), width + 2 * pad, h + 2 * pad)
