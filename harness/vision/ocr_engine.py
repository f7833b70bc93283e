"""The OCR engine interface: recognition of one text line, detection of text lines.

Vision finds the text lines of a frame itself and asks an engine to read each one; an engine may
also offer its own detector. Two engines implement this: Tesseract through tesserocr
(``ocr_tesseract.py``) and RapidOCR through onnxruntime (``ocr_rapid.py``). Which one is the
default is decided by measurement (``docs/benchmarks.md``); the other stays selectable by name
(``engine_by_name``, ``Vision(ocr_engine=...)``).
"""

from __future__ import annotations

import importlib.util
import logging
import threading
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


ENGINES: dict[str, str] = {
    "tesseract": "harness.vision.ocr_tesseract:TesseractEngine",
    "rapidocr": "harness.vision.ocr_rapid:RapidOcrEngine",
}
"""Engine name -> ``module:class``, imported only when asked for (RapidOCR pulls onnxruntime)."""


def engine_by_name(name: str) -> OcrEngine:
    """A new engine instance. VisionError (a rig problem) naming what is missing when the engine
    cannot run here; ConfigError for a name no engine has."""
    from importlib import import_module

    from harness.errors import ConfigError, VisionError

    target = ENGINES.get(name)
    if target is None:
        raise ConfigError(f"unknown OCR engine {name!r}; known: {', '.join(sorted(ENGINES))}")
    module_name, class_name = target.split(":")
    try:
        engine_class = getattr(import_module(module_name), class_name)
    except ImportError as problem:
        raise VisionError(f"OCR engine {name}: cannot import {module_name} ({problem})") from None
    engine = engine_class()
    if not isinstance(engine, OcrEngine):
        raise VisionError(f"OCR engine {name}: {target} does not implement OcrEngine")
    return engine


ENGINE_MODULES: dict[str, str] = {"tesseract": "tesserocr", "rapidocr": "rapidocr_onnxruntime"}
"""The package each engine needs, looked for without importing it."""


class LazyEngine:
    """An engine made the first time it is asked for (a second-opinion engine a run may never
    need), or None when it cannot run here: a warning then says so, once."""

    def __init__(self, engine: str | OcrEngine, log: logging.Logger) -> None:
        self._engine: OcrEngine | None = None if isinstance(engine, str) else engine
        self._name = engine if isinstance(engine, str) else engine.name
        self._log = log
        self._failed = False
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    def available(self) -> bool:
        """Whether the engine's package is installed (checked without importing it)."""
        if self._engine is not None:
            return True
        module = ENGINE_MODULES.get(self._name, self._name)
        return importlib.util.find_spec(module) is not None

    def __call__(self) -> OcrEngine | None:
        with self._lock:
            if self._engine is None and not self._failed:
                try:
                    self._engine = engine_by_name(self._name)
                except Exception as problem:  # a second opinion must not take a run down
                    self._failed = True
                    self._log.warning(
                        "second-opinion OCR engine %s unavailable: %s", self._name, problem
                    )
            return self._engine
