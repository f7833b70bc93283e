"""RapidOCR (PP-OCRv4 through onnxruntime) as an ``OcrEngine``: a line recogniser and DBNet.

``rapidocr-onnxruntime`` ships its three ONNX models inside the wheel
(``rapidocr_onnxruntime/models/``); only two are loaded here, the detector (DBNet) and the
recogniser (CRNN/SVTR with CTC), straight from the package folder, so nothing is fetched at run
time. The angle classifier of the full RapidOCR pipeline is not loaded: screen text is upright.

onnxruntime's default is one worker thread per core, each spinning between calls. On the 2-core
machines this runs on, beside the capture and the rest of vision, one thread is the default:
measured under load (``docs/benchmarks.md``), two threads made detection 1.4x and line
recognition 2.4x slower than one. ``threads`` sets ``intra_op_num_threads``; graph nodes run
one at a time (``inter_op_num_threads=1``).
"""

from __future__ import annotations

import threading
import unicodedata
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from harness.vision.ocr_engine import Box, Recognised

MIN_CONTRAST = 24
"""Grey levels between the darkest and the lightest pixel below which a crop holds no text:
the recogniser, like any CTC model, otherwise reads noise on a flat crop as a few letters."""

MIN_SIDE = 6
"""A crop or frame smaller than this in either direction has nothing readable."""

INK_SHARE = 0.4
"""A pixel is ink when it differs from the crop's median (its background) by this share of the
largest difference: high enough to leave JPEG ringing and sensor noise out of the ink box."""

MARGIN = 0.15
"""Background kept around the ink, as a share of the ink's height: the margin DBNet crops (what
the recogniser was trained on) have. Measured on the simulator corpus: 0.15 reads more lines
exactly than 0.25 or 0.35, or than the caller's margin left as it is."""

RECOGNISE_HEIGHT = 96
"""Crops are enlarged (bicubic) to at least this height before the recogniser's own bilinear
resize to 48 px: small screen text then keeps its letter shapes and word gaps (on the
simulator corpus, about a third fewer lines misread than bilinear from 20 px)."""

DETECT_MAX_SIDE = 1920
"""Frames are shrunk to this longer side before detection (4K -> 1080p). DBNet cost grows with
the pixel count; below 1920 the 14-px body text of a 1080p screen starts to be missed
(``docs/benchmarks.md``, "OCR engines")."""


class RapidOcrUnavailable(ImportError):
    """``rapidocr-onnxruntime`` (or its onnxruntime) is not installed."""


def _package() -> tuple[Any, Any, Path]:
    """The detector and recogniser classes of rapidocr_onnxruntime and its package folder."""
    try:
        import rapidocr_onnxruntime
        from rapidocr_onnxruntime.ch_ppocr_det import TextDetector
        from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
    except ImportError as problem:
        raise RapidOcrUnavailable(
            "the rapidocr OCR engine needs rapidocr-onnxruntime "
            "(pip install 'rapidocr-onnxruntime>=1.3'): " + str(problem)
        ) from problem
    return TextDetector, TextRecognizer, Path(rapidocr_onnxruntime.__file__).parent


def _config(package_dir: Path, threads: int) -> dict[str, dict[str, Any]]:
    """The package's own ``config.yaml`` with model paths made absolute and threads capped."""
    import yaml

    config = yaml.safe_load((package_dir / "config.yaml").read_text(encoding="utf-8"))
    for part in ("Det", "Rec"):
        section = config[part]
        model = package_dir / section["model_path"]
        if not model.is_file():
            raise RapidOcrUnavailable(f"rapidocr-onnxruntime is missing its model file {model}")
        section.update(
            model_path=str(model),
            intra_op_num_threads=threads,
            inter_op_num_threads=1,
            use_cuda=False,
            use_dml=False,
        )
    # Detection runs on the frame as given (shrunk by ``detect`` itself, never enlarged):
    # "min" with a small limit only rounds each side to the multiple of 32 DBNet needs.
    config["Det"].update(limit_type="min", limit_side_len=32)
    return config


def _normalised(gray: np.ndarray) -> np.ndarray:
    """The ink of ``gray`` with a ``MARGIN`` of its background around it, at least
    ``RECOGNISE_HEIGHT`` high: the same input whatever margin the caller's crop had."""
    background = int(np.median(gray))
    difference = cv2.absdiff(gray, np.full_like(gray, background))
    ink = difference > INK_SHARE * int(difference.max())
    rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    trimmed = gray[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]
    margin = max(2, round(trimmed.shape[0] * MARGIN))
    line = cv2.copyMakeBorder(
        trimmed, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=background
    )
    if line.shape[0] < RECOGNISE_HEIGHT:
        factor = RECOGNISE_HEIGHT / line.shape[0]
        line = cv2.resize(line, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    return line


class RapidOcrEngine:
    """RapidOCR's recogniser for one line, its DBNet detector for the lines of a frame.

    One instance per ``Vision`` (loading both models takes about half a second); thread-safe.
    """

    name = "rapidocr"

    def __init__(self, *, threads: int = 1, detect_max_side: int = DETECT_MAX_SIDE) -> None:
        if threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        detector_class, recogniser_class, package_dir = _package()
        config = _config(package_dir, threads)
        self.detect_max_side = detect_max_side
        self._detector = detector_class(config["Det"])
        self._recogniser = recogniser_class(config["Rec"])
        # TextDetector keeps per-call state (its preprocessing step) on itself.
        self._lock = threading.Lock()

    def recognise(self, line_gray: np.ndarray) -> Recognised:
        if line_gray.size == 0 or min(line_gray.shape[:2]) < MIN_SIDE:
            return Recognised("", 0.0)
        gray = line_gray if line_gray.ndim == 2 else cv2.cvtColor(line_gray, cv2.COLOR_BGR2GRAY)
        if int(gray.max()) - int(gray.min()) < MIN_CONTRAST:
            return Recognised("", 0.0)
        line = _normalised(gray)
        with self._lock:
            results, _ = self._recogniser([cv2.cvtColor(line, cv2.COLOR_GRAY2BGR)])
        text, score = results[0][0], results[0][1]
        # The model also writes Chinese punctuation: NFKC folds full-width ``（：`` to ASCII.
        text = " ".join(unicodedata.normalize("NFKC", str(text)).split())
        if not text:
            return Recognised("", 0.0)
        return Recognised(text, min(1.0, max(0.0, float(score))))

    def detect(self, image_bgr: np.ndarray) -> list[Box]:
        height, width = image_bgr.shape[:2]
        if min(height, width) < MIN_SIDE:
            return []
        image = image_bgr if image_bgr.ndim == 3 else cv2.cvtColor(image_bgr, cv2.COLOR_GRAY2BGR)
        scale = min(1.0, self.detect_max_side / max(height, width))
        if scale < 1.0:
            size = (round(width * scale), round(height * scale))
            image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        with self._lock:
            quads, _ = self._detector(image)
        boxes: list[Box] = []
        for quad in [] if quads is None else quads:
            points = np.asarray(quad, dtype=np.float64) / scale
            left, top = np.floor(points.min(axis=0))
            right, bottom = np.ceil(points.max(axis=0))
            left, top = max(0, int(left)), max(0, int(top))
            right, bottom = min(width, int(right)), min(height, int(bottom))
            if right - left >= 2 and bottom - top >= 2:
                boxes.append((left, top, right - left, bottom - top))
        return sorted(boxes, key=lambda box: (box[1], box[0]))
