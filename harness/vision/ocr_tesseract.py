"""Tesseract through tesserocr (its C++ API in-process) as an ``OcrEngine``.

One call on a title line costs 10-30 ms here, against about 240 ms for a ``tesseract`` process,
so only the in-process API is used. Each line is read with page segmentation mode 7 (one text
line): vision finds the lines itself. Missing parts are reported when the engine is made, as a
VisionError naming what to install.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from harness.errors import VisionError
from harness.vision.ocr_engine import Box, Recognised

_SINGLE_LINE = 7
_MARGIN = 8
"""White margin around the crop: Tesseract misreads glyphs that touch the edge."""
_NO_WORD_LISTS = {"load_system_dawg": "F", "load_freq_dawg": "F"}
"""Init-time: skip the English word lists. Screen text is matched fuzzily against the
reference's phrases anyway; without the lists a line reads about 5 % faster and the glance
crops measured read the same."""


def tessdata_dir(language: str = "eng") -> Path | None:
    """Where ``<language>.traineddata`` lives: $TESSDATA_PREFIX, else Debian's usual places."""
    prefix = os.environ.get("TESSDATA_PREFIX")
    candidates = [Path(prefix)] if prefix else []
    candidates += sorted(Path("/usr/share/tesseract-ocr").glob("*/tessdata"), reverse=True)
    candidates += [Path("/usr/share/tessdata"), Path("/usr/local/share/tessdata")]
    for directory in candidates:
        if (directory / f"{language}.traineddata").is_file():
            return directory
    return None


class TesseractEngine:
    """Reads one text line per call. Thread-safe (one Tesseract instance behind a lock)."""

    name = "tesseract"

    def __init__(self, language: str = "eng") -> None:
        try:
            import tesserocr
        except ImportError as problem:
            raise VisionError(
                f"OCR engine tesseract: the tesserocr module cannot be imported ({problem}); "
                "install the Python package tesserocr and Debian's tesseract-ocr"
            ) from None
        directory = tessdata_dir(language)
        if directory is None:
            raise VisionError(
                f"OCR engine tesseract: tessdata {language}.traineddata not found "
                f"(looked in $TESSDATA_PREFIX and /usr/share/tesseract-ocr/*/tessdata); "
                f"install tesseract-ocr-{language}"
            )
        self.language = language
        self._lock = threading.Lock()
        try:
            self._api = tesserocr.PyTessBaseAPI(
                path=str(directory), lang=language, psm=_SINGLE_LINE, variables=_NO_WORD_LISTS
            )
        except RuntimeError as problem:
            raise VisionError(f"OCR engine tesseract: cannot start ({problem})") from None

    def recognise(self, line_gray: np.ndarray) -> Recognised:
        if line_gray.size == 0:
            return Recognised("", 0.0)
        gray = line_gray if line_gray.ndim == 2 else line_gray[..., 0]
        if float(np.median(gray)) < 128:
            gray = 255 - gray  # Tesseract reads dark text on a light ground
        padded = np.ascontiguousarray(np.pad(gray, _MARGIN, mode="edge"), np.uint8)
        height, width = padded.shape
        with self._lock:
            # Raw 8-bit grey bytes: SetImage(PIL) encodes a BMP first (0.1-0.4 ms a line).
            self._api.SetImageBytes(padded.tobytes(), width, height, 1, width)
            text = self._api.GetUTF8Text()
            confidence = self._api.MeanTextConf()
        return Recognised(" ".join(text.split()), max(0.0, confidence) / 100.0)

    def detect(self, image_bgr: np.ndarray) -> list[Box]:
        raise NotImplementedError("Tesseract has no fast line detector; vision uses its own")

    def close(self) -> None:
        with self._lock:
            self._api.End()
