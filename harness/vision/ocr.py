"""Reading the detected text lines of a frame with an ``OcrEngine``, one line at a time.

Each line is cut out of the full-resolution frame with a margin (the colon of ``Organization:``
and the dots of ``Working on it...`` are too small to be detected as glyphs, but they are read),
turned grey and scaled so that the line is about ``LINE_PX`` high: engines read best at one size,
whatever the frame's resolution or DPI.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from harness.vision.ocr_engine import OcrEngine
from harness.vision.text_lines import Box, TextLine

LINE_PX = 34
GLANCE_PX = 22
"""The height lines are read at to decide which screen this is (titles, tiles, labels): fuzzy
matching forgives what the smaller read loses, and Tesseract's LSTM costs about 30 % less per
line (docs/benchmarks.md). Field values are read at ``LINE_PX``."""
GLANCE_SQUEEZE = 0.8
"""... and narrower by this factor: the LSTM's cost follows the width it reads."""
LARGE_LINE_PX = 56
"""A second, larger read for a line the engine was unsure of (tight digits: ``0h 6 min``)."""
_MAX_UPSCALE = 4.0
_WORD_GLYPHS = 3
"""Glyphs from which a line read as nothing is surely text the engine missed."""


@dataclass(frozen=True)
class ReadLine:
    """A detected line and what the engine read in it."""

    line: TextLine
    text: str
    confidence: float
    line_px: int = LINE_PX
    """The height the line was scaled to for the engine."""

    @property
    def box(self) -> Box:
        return self.line.box


class LineReader:
    """Cuts lines out of frames and asks the engine; counts the engine calls."""

    def __init__(
        self, engine: OcrEngine, second: Callable[[], OcrEngine | None] | None = None
    ) -> None:
        self.engine = engine
        self._second = second
        """Makes the second-opinion engine when first needed (RapidOCR loads its models in
        about half a second: a run that never needs it does not pay)."""
        self._lock = threading.Lock()
        self._calls = 0

    @property
    def calls(self) -> int:
        return self._calls

    def _count(self) -> None:
        with self._lock:
            self._calls += 1

    def read(
        self,
        image_bgr: np.ndarray,
        line: TextLine,
        rows: tuple[int, int] | None = None,
        line_px: int = LINE_PX,
        squeeze: float = 1.0,
    ) -> ReadLine:
        """Read ``line``; ``rows`` (top, bottom) bounds its margin, so that the lines above and
        below it stay out of the crop (half a subtitle under a title makes the engine fail)."""
        crop = line_crop(
            image_bgr, line.box, line.glyph_height, rows=rows, line_px=line_px, squeeze=squeeze
        )
        if crop.size == 0:
            return ReadLine(line, "", 0.0)
        self._count()
        found = self.engine.recognise(crop)
        if not found.text.strip() and line.glyphs >= _WORD_GLYPHS and line_px != LARGE_LINE_PX:
            # Tesseract now and then returns nothing for a crisp line at one scale (and reads
            # it at another): a line of several glyphs read as nothing is read once more larger.
            return self.read(image_bgr, line, rows, LARGE_LINE_PX)
        return ReadLine(line, found.text.strip(), found.confidence, line_px)

    def glance(
        self, image_bgr: np.ndarray, line: TextLine, rows: tuple[int, int] | None = None
    ) -> ReadLine:
        """``read`` at ``GLANCE_PX``, ``GLANCE_SQUEEZE`` as wide: how classification reads."""
        return self.read(image_bgr, line, rows, GLANCE_PX, GLANCE_SQUEEZE)

    @property
    def has_second(self) -> bool:
        return self._second is not None

    def read_second(
        self, image_bgr: np.ndarray, line: TextLine, rows: tuple[int, int] | None = None
    ) -> ReadLine:
        """``line`` read by the second-opinion engine (empty when there is none)."""
        engine = self._second() if self._second is not None else None
        if engine is None:
            return ReadLine(line, "", 0.0)
        crop = line_crop(image_bgr, line.box, line.glyph_height, rows=rows)
        if crop.size == 0:
            return ReadLine(line, "", 0.0)
        self._count()
        found = engine.recognise(crop)
        return ReadLine(line, found.text.strip(), found.confidence)

    def read_box(self, image_bgr: np.ndarray, box: Box) -> str:
        """Read an arbitrary box as one line (a button's inside)."""
        crop = line_crop(image_bgr, box, box[3] * 0.6, margin=False)
        if crop.size == 0:
            return ""
        self._count()
        return self.engine.recognise(crop).text.strip()


def line_crop(
    image_bgr: np.ndarray,
    box: Box,
    glyph_height: float,
    margin: bool = True,
    rows: tuple[int, int] | None = None,
    line_px: int = LINE_PX,
    squeeze: float = 1.0,
) -> np.ndarray:
    """The grey crop of ``box`` (with a margin scaled to the text, within ``rows``), about
    LINE_PX high."""
    x, y, w, h = box
    pad_y = round(0.3 * glyph_height) if margin else 0
    pad_left = round(0.3 * glyph_height) if margin else 0
    pad_right = round(0.7 * glyph_height) if margin else 0
    height, width = image_bgr.shape[:2]
    top, bottom = rows if rows is not None else (0, height)
    x0, y0 = max(0, x - pad_left), max(0, min(y, top), y - pad_y)
    x1, y1 = min(width, x + w + pad_right), min(height, max(y + h, bottom), y + h + pad_y)
    part = image_bgr[y0:y1, x0:x1]
    if part.size == 0:
        return np.zeros((0, 0), np.uint8)
    gray = cv2.cvtColor(part, cv2.COLOR_BGR2GRAY) if part.ndim == 3 else part
    scale = min(_MAX_UPSCALE, line_px / max(1, y1 - y0))
    wide = scale * squeeze
    if abs(scale - 1.0) > 0.05 or abs(wide - 1.0) > 0.05:
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        gray = cv2.resize(gray, None, fx=wide, fy=scale, interpolation=interpolation)
    return gray
