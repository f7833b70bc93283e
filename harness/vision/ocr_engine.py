"""The OCR engine interface: recognition of one text line, detection of text lines.

Vision finds the text lines of a frame itself and asks an engine to read each one; an engine may
also offer its own detector. Two engines implement this: Tesseract through tesserocr
(``ocr.py``) and RapidOCR through onnxruntime. Which one is the default is decided by
measurement (``docs/benchmarks.md``); the other stays selectable by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

Box = tuple[int, int, int, int]
"""(x, y, width, height) in pixels of the image given to the engine."""


@dataclass(frozen=True)
class Recognised:
    text: str
    confidence: float
    """0..1; engines map their own scale onto it."""


@runtime_checkable
class OcrEngine(Protocol):
    name: str
    """``tesseract`` or ``rapidocr``: what the benchmarks and ``result.json`` call it."""

    def recognise(self, line_gray: np.ndarray) -> Recognised:
        """The text of one text line: a grey crop (uint8, any polarity) around a single line.
        Returns empty text for a crop with nothing readable; raises only for a broken engine."""
        ...

    def detect(self, image_bgr: np.ndarray) -> list[Box]:
        """Boxes of the text lines in ``image_bgr``, top to bottom. An engine without a
        detector of its own raises NotImplementedError (vision then uses its own)."""
        ...
