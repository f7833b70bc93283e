"""Random capture and screenshot artefacts for one corpus frame, kept off the content.

Each frame gets one *chain*, the way real pictures reach vision: straight from a grabber
(``capture``), a screenshot cropped and marked up for a blog (``screenshot``), a VM viewer window
(``window``), a thumbnail blown up again (``thumbnail``), a photo of a tablet (``tablet``) or a
monitor in its bezel (``bezel``), or clean. Parameters are drawn within what real pictures show.

A human must still be able to read the screen, so the drawn boxes of the frame (every text,
icon and QR code, from ``Canvas.drawn``) are obstacles: red rectangles go around an element
without crossing another, arrows and notes and the mouse cursor never touch one, and a crop
never cuts into one.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from harness.sim.render.artefacts import Artefacts
from harness.sim.render.canvas import Box, Drawn
from harness.sim.render.screenshot import Annotation

CHAINS = ("clean", "capture", "screenshot", "window", "thumbnail", "tablet", "bezel")
_WEIGHTS = (1, 3, 3, 2, 2, 1, 1)
NOTES = ("Click here", "Select this", "Disabled with policy", "Step 3", "Check this!")
VM_TITLES = (
    "WIN11-AP01 on QEMU/KVM",
    "W10-TEST - VMware Workstation",
    "Virtual Machine Connection",
    "win10-lab - Virtual Machine Manager",
    "Oracle VM VirtualBox",
)


def _grow(box: Box, by: int) -> Box:
    return box[0] - by, box[1] - by, box[2] + by, box[3] + by


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(inner: Box, outer: Box) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


def _rectangle(
    rng: random.Random, target: Box, obstacles: Sequence[Box], size: tuple[int, int], line: int
) -> Annotation | None:
    """A red outline around ``target`` whose line touches no obstacle."""
    width, height = size
    for _ in range(6):
        pad = rng.randint(line + 4, line + 24)
        rect = _grow(target, pad)
        if rect[0] < 1 or rect[1] < 1 or rect[2] >= width or rect[3] >= height:
            continue
        band_out, band_in = _grow(rect, line), _grow(rect, -line)
        if all(_inside(box, band_in) or not _overlaps(box, band_out) for box in obstacles):
            return Annotation("box", rect, thickness=line)
    return None


def _segment_clear(
    start: tuple[float, float], end: tuple[float, float], obstacles: Sequence[Box], gap: int
) -> bool:
    steps = max(2, int(max(abs(end[0] - start[0]), abs(end[1] - start[1])) // 3))
    for index in range(steps + 1):
        x = start[0] + (end[0] - start[0]) * index / steps
        y = start[1] + (end[1] - start[1]) * index / steps
        point = (int(x), int(y), int(x) + 1, int(y) + 1)
        if any(_overlaps(point, _grow(box, gap)) for box in obstacles):
            return False
    return True


def _arrow(
    rng: random.Random, target: Box, obstacles: Sequence[Box], size: tuple[int, int], line: int
) -> Annotation | None:
    """An arrow pointing at ``target`` from outside, touching nothing drawn."""
    width, height = size
    unit = height / 1080
    for _ in range(12):
        side = rng.choice(("left", "right", "above", "below"))
        gap = round(rng.uniform(8, 20) * unit) + line
        cx, cy = (target[0] + target[2]) / 2, (target[1] + target[3]) / 2
        tip = {
            "left": (target[0] - gap, cy),
            "right": (target[2] + gap, cy),
            "above": (cx, target[1] - gap),
            "below": (cx, target[3] + gap),
        }[side]
        length = rng.uniform(70, 240) * unit
        slant = rng.uniform(-0.6, 0.6) * length
        start = {
            "left": (tip[0] - length, tip[1] + slant),
            "right": (tip[0] + length, tip[1] + slant),
            "above": (tip[0] + slant, tip[1] - length),
            "below": (tip[0] + slant, tip[1] + length),
        }[side]
        start = (round(start[0]), round(start[1]))
        tip = (round(tip[0]), round(tip[1]))
        # Coordinates below 1 would read as fractions of the frame (artefacts._length).
        if not (1 <= start[0] < width and 1 <= start[1] < height and min(tip) >= 1):
            continue
        if _segment_clear(start, tip, obstacles, line + 2):
            return Annotation("arrow", (*start, *tip), thickness=line)
    return None


def _note(rng: random.Random, obstacles: Sequence[Box], size: tuple[int, int]) -> Annotation | None:
    """A short red note in a free spot (its size estimated at 0.6 em per letter)."""
    width, height = size
    text = rng.choice(NOTES)
    text_px = max(12, round(height * rng.uniform(0.018, 0.028)))
    box_w, box_h = round(len(text) * text_px * 0.62), round(text_px * 1.3)
    for _ in range(25):
        x, y = rng.randrange(1, max(2, width - box_w)), rng.randrange(1, max(2, height - box_h))
        if not any(_overlaps((x, y, x + box_w, y + box_h), _grow(b, 10)) for b in obstacles):
            return Annotation("note", (x, y, x + box_w, y + box_h), text=text, text_px=text_px)
    return None


def annotations(
    rng: random.Random, drawn: Sequence[Drawn], size: tuple[int, int]
) -> tuple[Annotation, ...]:
    """One to three rectangles, maybe arrows and a note, as a blog author draws them."""
    obstacles = [box for kind, _, box in drawn if kind != "panel"]
    targets = [box for kind, text, box in drawn if kind != "qr" and (text or kind == "icon")]
    if not targets:
        return ()
    line = max(2, round(size[1] / 1080 * rng.uniform(3, 6)))
    marks: list[Annotation] = []
    for _ in range(rng.randint(1, 3)):
        mark = _rectangle(rng, rng.choice(targets), obstacles, size, line)
        if mark:
            marks.append(mark)
    for _ in range(rng.choice((0, 1, 1, 2))):
        mark = _arrow(rng, rng.choice(targets), obstacles, size, line)
        if mark:
            marks.append(mark)
    if rng.random() < 0.3:
        mark = _note(rng, obstacles, size)
        if mark:
            marks.append(mark)
    return tuple(marks)


def content_box(drawn: Sequence[Drawn], size: tuple[int, int]) -> Box:
    """The smallest box holding everything drawn (the whole frame when nothing was)."""
    if not drawn:
        return 0, 0, size[0], size[1]
    boxes = [box for _, _, box in drawn]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _crop(rng: random.Random, drawn: Sequence[Drawn], size: tuple[int, int]) -> tuple[int, ...]:
    """Edges to cut, each short of the content by a margin and at most 15 % of the frame."""
    width, height = size
    left, top, right, bottom = content_box(drawn, size)
    margin = round(height * 0.012)
    room = (left - margin, top - margin, width - right - margin, height - bottom - margin)
    limit = (width * 0.15, height * 0.15, width * 0.15, height * 0.15)
    return tuple(
        max(0, round(rng.uniform(0, min(r, cap)) if rng.random() < 0.8 else 0))
        for r, cap in zip(room, limit, strict=True)
    )


def _cursor(rng: random.Random, drawn: Sequence[Drawn], size: tuple[int, int]) -> tuple[int, int]:
    width, height = size
    side = max(12, height // 40)
    for _ in range(30):
        x, y = rng.randrange(1, width - side), rng.randrange(1, height - 2 * side)
        spot = (x, y, x + side, y + round(side * 1.2))
        if not any(_overlaps(spot, _grow(box, 4)) for kind, _, box in drawn if kind != "panel"):
            return x, y
    return width - side - 2, height - 2 * side - 2


def _output_size(rng: random.Random, size: tuple[int, int]) -> tuple[int, int] | None:
    """Another capture resolution of about the same aspect, or None."""
    width, height = size
    choices = ((1920, 1080), (1280, 720), (1600, 900), (1920, 1200), (1280, 800), (1024, 768))
    near = [c for c in choices if c != size and abs(c[0] / c[1] - width / height) < 0.12]
    return rng.choice(near) if near else None


def _thumbnail_width(rng: random.Random, size: tuple[int, int], unit: float) -> int:
    """400-700 px wide, but never so small that the smallest text (about 20 design pixels)
    falls under 8.5 px: a person can still read the thumbnail, as on the real blog pictures."""
    readable = math.ceil(size[0] * 8.5 / (20 * unit))
    return min(size[0] - 1, max(rng.randint(400, 700), readable))


def random_artefacts(
    rng: random.Random, drawn: Sequence[Drawn], size: tuple[int, int], unit: float
) -> tuple[str, tuple[str, ...], Artefacts]:
    """(chain, the artefacts used, the Artefacts) for a frame of ``size`` with ``drawn``;
    ``unit`` is the frame's pixels per design pixel."""
    chain = rng.choices(CHAINS, weights=_WEIGHTS)[0]
    fields: dict[str, object] = {}
    if chain == "capture":
        fields["jpeg_quality"] = rng.randint(45, 92)
        fields["noise_sigma"] = round(rng.uniform(0, 5), 1)
        fields["scale"] = round(rng.uniform(0.965, 1.02), 3)
        fields["overscan"] = round(rng.choice((0.0, 0.0, rng.uniform(0.005, 0.02))), 3)
        fields["blur"] = round(rng.uniform(0, 0.8), 2)
        if rng.random() < 0.4:
            fields["cursor"] = _cursor(rng, drawn, size)
        if rng.random() < 0.3:
            bars = rng.choice(((0.04, 0.0), (0.0, 0.1), (0.02, 0.02)))
            fields["letterbox"] = bars
        if rng.random() < 0.4:
            fields["output_size"] = _output_size(rng, size)
    elif chain == "screenshot":
        fields["crop"] = _crop(rng, drawn, size)
        fields["annotations"] = annotations(rng, drawn, size)
        if rng.random() < 0.6:
            fields["jpeg_quality"] = rng.randint(60, 92)
    elif chain == "window":
        fields["window"] = rng.choice(VM_TITLES)
        fields["window_dark"] = rng.random() < 0.4
        if rng.random() < 0.4:
            fields["annotations"] = annotations(rng, drawn, size)
        if rng.random() < 0.5:
            fields["output_size"] = _output_size(rng, size)
    elif chain == "thumbnail":
        fields["thumbnail_width"] = _thumbnail_width(rng, size, unit)
        fields["blur"] = round(rng.uniform(0.3, 1.0), 2)
        fields["jpeg_quality"] = rng.randint(60, 90)
        if rng.random() < 0.5:
            fields["annotations"] = annotations(rng, drawn, size)
        if rng.random() < 0.4:
            fields["crop"] = _crop(rng, drawn, size)
    elif chain == "tablet":
        fields["tablet"] = round(rng.uniform(0.025, 0.05), 3)
        fields["blur"] = round(rng.uniform(0.4, 1.0), 2)
        fields["noise_sigma"] = round(rng.uniform(1, 4), 1)
        fields["jpeg_quality"] = rng.randint(70, 92)
    elif chain == "bezel":
        fields["bezel"] = round(rng.uniform(0.015, 0.04), 3)
        fields["blur"] = round(rng.uniform(0.0, 0.8), 2)
    artefacts = Artefacts(**{k: v for k, v in fields.items() if v is not None})  # type: ignore[arg-type]
    used = tuple(sorted(_used(artefacts)))
    return chain, used, artefacts


def _used(artefacts: Artefacts) -> set[str]:
    """The names of the artefacts that change the picture (for the per-artefact figures)."""
    default = Artefacts()
    names = set()
    for key in vars(default):
        if getattr(artefacts, key) != getattr(default, key):
            names.add(key)
    names.discard("window_dark")
    return names
