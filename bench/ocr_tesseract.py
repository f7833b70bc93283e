"""Tesseract (tesserocr) behind the ``OcrEngine`` protocol, for the engine comparison.

A local adapter so the comparison runs before the Tesseract engine of ``harness.vision.ocr`` is a
class of its own; replace it by that class when it is. ``recognise`` reads one line with page
segmentation mode 7 (a single text line); ``detect`` is Tesseract's own layout analysis in mode
11 (sparse text) without recognition, its text-line boxes. ``read_page`` is the full-frame pass
(mode 3 or 11) that classification costs are compared against.
"""

from __future__ import annotations

import cv2
import numpy as np
import tesserocr
from PIL import Image

from harness.vision.ocr_engine import Box, Recognised
from harness.vision.ocr_tesseract import tessdata_dir

LINE_HEIGHT = 40
"""Crops lower than this are enlarged to it: Tesseract reads best at 20-30 px capitals."""

MARGIN = 10


def _dark_on_light(gray: np.ndarray) -> np.ndarray:
    return 255 - gray if float(np.median(gray)) < 128 else gray


class TesseractLineEngine:
    """Tesseract for one line (psm 7) and for the text lines of a frame (psm 11 layout)."""

    name = "tesseract"

    def __init__(self, language: str = "eng") -> None:
        found = tessdata_dir()
        if found is None:
            raise RuntimeError("no eng.traineddata found (Debian tesseract-ocr-eng)")
        path = str(found)  # tesserocr takes a str, not a Path
        self._line = tesserocr.PyTessBaseAPI(
            path=path, lang=language, psm=tesserocr.PSM.SINGLE_LINE
        )
        self._layout = tesserocr.PyTessBaseAPI(
            path=path, lang=language, psm=tesserocr.PSM.SPARSE_TEXT
        )
        self._pages = {
            psm: tesserocr.PyTessBaseAPI(path=path, lang=language, psm=psm)
            for psm in (tesserocr.PSM.AUTO, tesserocr.PSM.SPARSE_TEXT)
        }

    def recognise(self, line_gray: np.ndarray) -> Recognised:
        if line_gray.size == 0 or min(line_gray.shape[:2]) < 4:
            return Recognised("", 0.0)
        gray = _dark_on_light(line_gray)
        if gray.shape[0] < LINE_HEIGHT:
            factor = LINE_HEIGHT / gray.shape[0]
            gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
        gray = cv2.copyMakeBorder(gray, MARGIN, MARGIN, MARGIN, MARGIN, cv2.BORDER_REPLICATE)
        self._line.SetImage(Image.fromarray(gray))
        text = " ".join(self._line.GetUTF8Text().split())
        if not text:
            return Recognised("", 0.0)
        return Recognised(text, self._line.MeanTextConf() / 100.0)

    def detect(self, image_bgr: np.ndarray) -> list[Box]:
        gray = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY) if image_bgr.ndim == 3 else image_bgr
        self._layout.SetImage(Image.fromarray(gray))
        iterator = self._layout.AnalyseLayout()
        boxes: list[Box] = []
        level = tesserocr.RIL.TEXTLINE
        while iterator is not None:
            bounds = iterator.BoundingBox(level)
            if bounds:
                left, top, right, bottom = bounds
                boxes.append((left, top, right - left, bottom - top))
            if not iterator.Next(level):
                break
        return sorted(boxes, key=lambda box: (box[1], box[0]))

    def read_page(self, image_bgr: np.ndarray, psm: int) -> list[str]:
        """Every text line of the whole frame, read in one Tesseract pass with ``psm``."""
        gray = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY) if image_bgr.ndim == 3 else image_bgr
        api = self._pages[psm]
        api.SetImage(Image.fromarray(gray))
        return [line for line in api.GetUTF8Text().splitlines() if line.strip()]

    def close(self) -> None:
        for api in (self._line, self._layout, *self._pages.values()):
            api.End()
