"""What happens to a screen on its way into a blog post, a ticket or a phone photo.

The capture artefacts of ``artefacts.py`` imitate a grabber; these imitate people: a tablet
photographed in its bezel, a screenshot of a VM viewer window (title bar and border), a crop of
part of the screen, red rectangles, arrows and notes drawn over it, and a thumbnail that was
later upscaled again. Every function takes and returns a BGR ``uint8`` array (numpy, OpenCV and
Pillow only; this module never runs inside the stand-in guest).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
from PIL import Image, ImageDraw

from harness.errors import ConfigError
from harness.sim.render.fonts import font

ANNOTATION_RED = (35, 17, 232)  # BGR of the red most screenshot tools draw with
TABLET_BLACK = (18, 18, 18)
DESK = (96, 112, 124)
Quad = tuple[float, float, float, float]


@dataclass(frozen=True)
class Annotation:
    """One mark a person drew on the screenshot, in pixels of the device's picture.

    ``box``: a rectangle outline around (left, top, right, bottom); ``arrow``: a line from
    (x0, y0) to the arrow head at (x1, y1); ``note``: ``text`` with its top-left at (x0, y0)
    (the other two numbers are ignored).
    """

    kind: Literal["box", "arrow", "note"]
    where: Quad
    thickness: int = 4
    text: str = ""
    text_px: int = 24

    def __post_init__(self) -> None:
        if self.kind not in ("box", "arrow", "note"):
            raise ConfigError(
                f"unknown annotation {self.kind!r}; known: box, arrow, note",
                source="artefacts",
                key="annotations",
            )
        if self.thickness < 1 or self.text_px < 6:
            raise ConfigError(
                "annotation thickness must be >= 1 and text_px >= 6",
                source="artefacts",
                key="annotations",
            )


def _points(where: Quad) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = (round(value) for value in where)
    return x0, y0, x1, y1


def draw_annotations(bgr: np.ndarray, annotations: tuple[Annotation, ...]) -> np.ndarray:
    """``bgr`` with every annotation drawn in red (boxes and arrows anti-aliased)."""
    frame = bgr.copy()
    notes = [mark for mark in annotations if mark.kind == "note"]
    for mark in annotations:
        x0, y0, x1, y1 = _points(mark.where)
        if mark.kind == "box":
            cv2.rectangle(frame, (x0, y0), (x1, y1), ANNOTATION_RED, mark.thickness, cv2.LINE_AA)
        elif mark.kind == "arrow":
            length = max(1.0, float(np.hypot(x1 - x0, y1 - y0)))
            tip = min(0.45, max(0.12, 28 * mark.thickness / 4 / length))
            cv2.arrowedLine(
                frame, (x0, y0), (x1, y1), ANNOTATION_RED, mark.thickness, cv2.LINE_AA, 0, tip
            )
    if notes:
        picture = Image.fromarray(np.ascontiguousarray(frame[:, :, ::-1]))
        draw = ImageDraw.Draw(picture)
        for mark in notes:
            face = font("bold", mark.text_px)
            x0, y0, _, _ = _points(mark.where)
            draw.text((x0, y0), mark.text, font=face, fill=ANNOTATION_RED[::-1])
        frame = np.ascontiguousarray(np.asarray(picture)[:, :, ::-1])
    return frame


def crop(bgr: np.ndarray, edges: tuple[int, int, int, int]) -> np.ndarray:
    """``bgr`` without (left, top, right, bottom) pixels at its edges."""
    height, width = bgr.shape[:2]
    left, top, right, bottom = edges
    if left + right >= width - 16 or top + bottom >= height - 16:
        raise ConfigError(
            f"crop {edges} leaves almost nothing of a {width}x{height} frame",
            source="artefacts",
            key="crop",
        )
    return bgr[top : height - bottom, left : width - right].copy()


def tablet(bgr: np.ndarray, edge: int) -> np.ndarray:
    """A photo of a tablet: a black rounded bezel ``edge`` pixels wide with a camera dot, on a
    desk; the picture shrinks to fit inside, and the size stays the same."""
    height, width = bgr.shape[:2]
    frame = np.empty_like(bgr)
    frame[:] = DESK
    margin = max(2, edge // 3)
    radius = max(4, edge)
    outer = Image.new("L", (width, height), 0)
    ImageDraw.Draw(outer).rounded_rectangle(
        (margin, margin, width - 1 - margin, height - 1 - margin), radius=radius, fill=255
    )
    mask = np.asarray(outer) > 0
    frame[mask] = TABLET_BLACK
    inner = margin + edge
    if width - 2 * inner > 16 and height - 2 * inner > 16:
        frame[inner : height - inner, inner : width - inner] = cv2.resize(
            bgr, (width - 2 * inner, height - 2 * inner), interpolation=cv2.INTER_AREA
        )
    camera = max(2, edge // 6)
    cv2.circle(frame, (width // 2, margin + edge // 2), camera, (60, 60, 60), -1, cv2.LINE_AA)
    return frame


def window_frame(bgr: np.ndarray, title: str, dark: bool) -> np.ndarray:
    """``bgr`` inside a VM viewer window: a title bar with ``title`` and the minimise, maximise
    and close glyphs, and a thin border. The result is larger than ``bgr``."""
    height, width = bgr.shape[:2]
    bar = max(22, round(height * 0.032))
    border = max(1, round(height * 0.0025))
    chrome = (43, 43, 43) if dark else (238, 238, 238)
    ink = (235, 235, 235) if dark else (30, 30, 30)
    outer = Image.new("RGB", (width + 2 * border, height + bar + border), chrome[::-1])
    draw = ImageDraw.Draw(outer)
    face = font("regular", max(10, round(bar * 0.45)))
    draw.text((border + bar // 2, bar // 2), title, font=face, fill=ink[::-1], anchor="lm")
    glyph = bar // 3
    right = outer.width - border - bar // 2
    for index in range(3):
        cx, cy = right - index * bar * 1.6, bar / 2
        box = (cx - glyph / 2, cy - glyph / 2, cx + glyph / 2, cy + glyph / 2)
        if index == 0:
            draw.line((box[0], box[1], box[2], box[3]), fill=ink[::-1], width=1)
            draw.line((box[0], box[3], box[2], box[1]), fill=ink[::-1], width=1)
        elif index == 1:
            draw.rectangle(box, outline=ink[::-1], width=1)
        else:
            draw.line((box[0], cy, box[2], cy), fill=ink[::-1], width=1)
    framed = np.ascontiguousarray(np.asarray(outer)[:, :, ::-1])
    framed[bar : bar + height, border : border + width] = bgr
    return framed


def thumbnail(bgr: np.ndarray, width: int) -> np.ndarray:
    """``bgr`` shrunk to ``width`` pixels wide (a blog's thumbnail) and blown up again."""
    height, full = bgr.shape[:2]
    small_h = max(8, round(height * width / full))
    small = cv2.resize(bgr, (width, small_h), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (full, height), interpolation=cv2.INTER_CUBIC)
