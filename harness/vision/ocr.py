"""Tesseract OCR of one region at a time, returning lines with their boxes in frame pixels.

``tesserocr`` (the C++ API in-process) is used when it imports: one call costs 10-30 ms here,
against about 240 ms for a ``tesseract`` process per call, which alone would blow the 250 ms
classification budget. Without it, the ``tesseract`` command (Debian ``tesseract-ocr``) is run
with an argv list and its TSV output parsed; the results are the same, only slower.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

Box = tuple[int, int, int, int]

try:  # pragma: no branch - which one is used depends on the machine
    import tesserocr
except ImportError:  # pragma: no cover
    tesserocr = None


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: Box
    """(x, y, width, height) in frame pixels."""
    confidence: float


def tessdata_dir() -> str | None:
    """Where ``eng.traineddata`` lives: $TESSDATA_PREFIX, else Debian's and the usual places."""
    candidates = [Path(os.environ["TESSDATA_PREFIX"])] if os.environ.get("TESSDATA_PREFIX") else []
    candidates += sorted(Path("/usr/share/tesseract-ocr").glob("*/tessdata"), reverse=True)
    candidates += [Path("/usr/share/tessdata"), Path("/usr/local/share/tessdata")]
    for directory in candidates:
        if (directory / "eng.traineddata").is_file():
            return str(directory)
    return None


def to_dark_on_light(region_bgr: np.ndarray, scale: float) -> np.ndarray:
    """Grayscale, rescaled, with dark text on a light background (what Tesseract reads best)."""
    gray = cv2.cvtColor(region_bgr, cv2.COLOR_BGR2GRAY) if region_bgr.ndim == 3 else region_bgr
    if abs(scale - 1.0) > 0.02:
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=interpolation)
    if float(np.median(gray)) < 128:
        gray = 255 - gray
    return gray


def local_contrast(gray: np.ndarray) -> np.ndarray:
    """Dark where a pixel differs from its neighbourhood's median, whatever the polarity."""
    background = cv2.medianBlur(gray, 31)
    difference = cv2.absdiff(gray, background).astype(np.int16) * 3
    return (255 - np.clip(difference, 0, 255)).astype(np.uint8)


class TextReader:
    """Reads text lines from image regions. One instance per Vision; thread-safe."""

    def __init__(self, language: str = "eng") -> None:
        self.language = language
        self._lock = threading.Lock()
        self._apis: dict[int, object] = {}
        self._path = tessdata_dir()
        self.engine = "tesserocr" if tesserocr is not None and self._path else "tesseract-cli"
        if self.engine == "tesseract-cli" and shutil.which("tesseract") is None:
            self.engine = "none"

    def read_lines(
        self,
        image_bgr: np.ndarray,
        box: Box,
        *,
        scale: float = 1.0,
        psm: int = 6,
        both_polarities: bool = False,
    ) -> list[OcrLine]:
        """The text lines in ``box`` of ``image_bgr``, read at ``scale``; [] when unreadable.

        ``both_polarities`` reads the region a second time as local contrast (dark wherever a
        pixel differs from its neighbourhood), for regions that mix dark text on light with light
        text on dark (Windows 11's accent button beside a white one).
        """
        x, y, w, h = box
        region = image_bgr[max(0, y) : y + h, max(0, x) : x + w]
        if region.size == 0 or self.engine == "none":
            return []
        gray = to_dark_on_light(region, scale)
        lines = self._read_gray(gray, (max(0, x), max(0, y)), scale, psm)
        if both_polarities:
            contrast = local_contrast(gray)
            for line in self._read_gray(contrast, (max(0, x), max(0, y)), scale, psm):
                if not any(_overlaps(line.box, known.box) for known in lines):
                    lines.append(line)
        return lines

    def _read_gray(
        self, gray: np.ndarray, origin: tuple[int, int], scale: float, psm: int
    ) -> list[OcrLine]:
        x, y = origin
        # A white margin helps Tesseract with text that touches the crop edge.
        gray = cv2.copyMakeBorder(gray, 10, 10, 10, 10, cv2.BORDER_REPLICATE)
        if self.engine == "tesserocr":
            raw = self._read_tesserocr(gray, psm)
        else:
            raw = self._read_cli(gray, psm)
        lines: list[OcrLine] = []
        for text, (lx, ly, lw, lh), confidence in raw:
            if not text.strip():
                continue
            frame_box = (
                x + round((lx - 10) / scale),
                y + round((ly - 10) / scale),
                round(lw / scale),
                round(lh / scale),
            )
            lines.append(OcrLine(text.strip(), frame_box, confidence))
        return lines

    def _api(self, psm: int) -> object:
        api = self._apis.get(psm)
        if api is None:
            api = tesserocr.PyTessBaseAPI(path=self._path, lang=self.language, psm=psm)
            self._apis[psm] = api
        return api

    def _read_tesserocr(self, gray: np.ndarray, psm: int) -> list[tuple[str, Box, float]]:
        level = tesserocr.RIL.TEXTLINE
        found: list[tuple[str, Box, float]] = []
        with self._lock:
            api = self._api(psm)
            api.SetImage(Image.fromarray(gray))
            api.Recognize()
            iterator = api.GetIterator()
            if iterator is None:
                return found
            while True:
                text = iterator.GetUTF8Text(level) if not iterator.Empty(level) else ""
                bounds = iterator.BoundingBox(level)
                if text and bounds:
                    left, top, right, bottom = bounds
                    box = (left, top, right - left, bottom - top)
                    found.append((text, box, iterator.Confidence(level) / 100.0))
                if not iterator.Next(level):
                    break
        return found

    def _read_cli(self, gray: np.ndarray, psm: int) -> list[tuple[str, Box, float]]:
        ok, png = cv2.imencode(".png", gray)
        if not ok:
            return []
        argv = ["tesseract", "stdin", "stdout", "--psm", str(psm), "-l", self.language, "tsv"]
        try:
            done = subprocess.run(argv, input=png.tobytes(), capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return []
        groups: dict[tuple[str, str, str], list[list[str]]] = {}
        for row in done.stdout.decode("utf-8", "replace").splitlines()[1:]:
            cells = row.split("\t")
            if len(cells) == 12 and cells[0] == "5" and cells[11].strip():
                groups.setdefault((cells[2], cells[3], cells[4]), []).append(cells)
        found: list[tuple[str, Box, float]] = []
        for words in groups.values():
            left = min(int(c[6]) for c in words)
            top = min(int(c[7]) for c in words)
            right = max(int(c[6]) + int(c[8]) for c in words)
            bottom = max(int(c[7]) + int(c[9]) for c in words)
            confidence = sum(float(c[10]) for c in words) / len(words) / 100.0
            text = " ".join(c[11] for c in words)
            found.append((text, (left, top, right - left, bottom - top), confidence))
        return found


def _overlaps(a: Box, b: Box) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah
