"""The public face of vision: ``Vision(...).classify(image)`` and ``.observe(image)``.

    vision = Vision()                      # every Windows version, en-US, default definitions
    vision = Vision(Path("lab/screens"), windows=11, language="de-DE", ocr_engine="rapidocr")
    observation = vision.classify(frame.image)   # state, confidence, evidence (cheap)
    observation = vision.observe(frame.image)    # + fields and the QR code
    vision.stats.to_dict()                       # frames, OCR calls, CPU seconds

A strange image (None, too small, not numbers) is ``unknown``. A failure of vision itself (the
OCR engine crashed, a bug) is not: it raises VisionError, a rig error, so that the run ends
``error`` instead of waiting on a screen it believes unknown. The constructor raises
ConfigError for bad definition files and VisionError for a missing OCR engine or zbar.
"""

from __future__ import annotations

import logging
import threading
import zlib
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from harness.errors import HarnessError, VisionError
from harness.vision import frames
from harness.vision.blank import blank_kind_of_thumbnail, blank_thumbnail, dark_share
from harness.vision.classifier import Decision, ScreenClassifier
from harness.vision.definitions import DefinitionSet, load_definitions
from harness.vision.field_reader import FieldReader
from harness.vision.needles import NeedleSet
from harness.vision.observation import Evidence, Observation, ScreenState
from harness.vision.ocr import LineReader
from harness.vision.ocr_engine import LazyEngine, OcrEngine, engine_by_name
from harness.vision.page import Page
from harness.vision.picture_area import crop, find_picture_area
from harness.vision.qr_area import qr_area_of
from harness.vision.stats import StatsCounter, VisionStats
from harness.vision.text_lines import WORK_LINES, detect_lines_reduced
from harness.vision.window_chrome import dark_inside_chrome

log = logging.getLogger(__name__)

_MIN_SIDE = 32
_CHROME_DARK_SHARE = 0.5
"""A dark picture inside viewer chrome (``window_chrome``: strips of at most 12 % of each side)
covers at least 0.76 x 0.76 of the frame, 97 % dark: a frame less dark than this has none."""


class Vision:
    def __init__(
        self,
        definitions_dir: Path | None = None,
        *,
        windows: int | None = None,
        language: str = "en-US",
        ocr_engine: str | OcrEngine = "tesseract",
        second_opinion: str | OcrEngine | None = "rapidocr",
    ) -> None:
        self.definitions: DefinitionSet = load_definitions(
            definitions_dir, windows=windows, language=language
        )
        self.windows = windows
        self.language = language
        self.needles = NeedleSet.load(self.definitions.directory / "needles")
        _require_zbar()
        self.engine = engine_by_name(ocr_engine) if isinstance(ocr_engine, str) else ocr_engine
        self._reader = LineReader(self.engine, _second_engine(second_opinion, self.engine))
        self._classifier = ScreenClassifier(self.definitions, self.needles, language)
        self._fields = FieldReader(self.definitions, language)
        self._counter = StatsCounter()
        self._lock = threading.Lock()
        self._last: tuple[tuple[object, ...], Page, Observation, Decision] | None = None

    @property
    def stats(self) -> VisionStats:
        """Counters since construction (a snapshot)."""
        return self._counter.snapshot(self._reader.calls)

    def classify(self, image_bgr: np.ndarray) -> Observation:
        """Which screen this is, how sure, and why."""
        with self._counter.timed(observed=False):
            return self._guarded(image_bgr, observe=False)

    def observe(self, image_bgr: np.ndarray) -> Observation:
        """``classify`` plus every field of that screen and the QR code."""
        with self._counter.timed(observed=True):
            return self._guarded(image_bgr, observe=True)

    def _guarded(self, image_bgr: np.ndarray, *, observe: bool) -> Observation:
        image = _as_bgr(image_bgr)
        if image is None:
            note = Evidence("input", 0.0, "not a BGR image of at least 32x32 pixels")
            return Observation(ScreenState.UNKNOWN, 0.0, evidence=(note,))
        try:
            page, observation, decision = self._classified(image)
            if not observe or decision.definition is None:
                return observation
            fields, qr = self._fields.read(page, observation, decision)
            return replace(observation, fields=fields, qr=qr)
        except HarnessError:
            raise
        except Exception as problem:
            log.error("vision failed on a %s frame", image.shape, exc_info=True)
            raise VisionError(f"vision failed: {type(problem).__name__}: {problem}") from problem

    def _classified(self, image: np.ndarray) -> tuple[Page, Observation, Decision]:
        """The page and classification of ``image``; the last frame's are reused, since the flow
        observes the frame it has just classified."""
        key = _frame_key(image)
        with self._lock:
            if self._last is not None and self._last[0] == key:
                return self._last[1], self._last[2], self._last[3]
        # One reduced copy serves the picture area, the blank test, text detection and colours.
        scale = min(1.0, WORK_LINES / image.shape[0])
        small = _reduced(image, scale)
        small_area = find_picture_area(small)
        area = _scaled_box(small_area, 1.0 / scale, image.shape)
        blank = _blank(small, small_area)
        qr_area, lines = None, []
        if blank is None:
            grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)  # the QR square and lines share it
            qr_area = qr_area_of(small, scale, grey)
            lines = detect_lines_reduced(small, scale, area, qr_area, grey)
        page = Page(image, area, lines, self._reader, small=small, scale=scale)
        page.extras["qr_area"] = qr_area
        if blank is not None:
            evidence = Evidence(f"blank:{blank}", 1.0, f"frames.blank_kind says {blank}", area)
            observation = Observation(ScreenState.BLACK, 0.95, evidence=(evidence,))
            decision = Decision()
        else:
            observation, decision = self._classifier.classify(page)
        with self._lock:
            self._last = (key, page, observation, decision)
        return page, observation, decision


def _reduced(image: np.ndarray, scale: float) -> np.ndarray:
    if scale >= 1.0:
        return image
    height, width = image.shape[:2]
    return frames.area_resize(image, (max(1, round(width * scale)), max(1, round(height * scale))))


def _scaled_box(
    box: tuple[int, int, int, int], factor: float, shape: tuple[int, ...]
) -> tuple[int, int, int, int]:
    x, y, w, h = (round(value * factor) for value in box)
    x, y = min(x, shape[1] - 1), min(y, shape[0] - 1)
    return (x, y, max(1, min(w, shape[1] - x)), max(1, min(h, shape[0] - y)))


def _blank(image: np.ndarray, area: tuple[int, int, int, int]) -> str | None:
    picture = crop(image, area)
    thumb = blank_thumbnail(picture)
    blank = blank_kind_of_thumbnail(thumb)
    if blank is None and picture.shape[:2] == image.shape[:2]:
        # A black picture inside a grey bezel: the bezel is the only "content". frames'
        # active_area strips borders by the corner colour, which finds that bezel.
        inside = frames.active_area(image)
        if inside[2:] != image.shape[1::-1]:
            blank = frames.blank_kind(crop(image, inside))
    if blank is None and dark_share(thumb) >= _CHROME_DARK_SHARE:
        # A black screen in a viewer window: its title bar and border are the only content.
        inner = dark_inside_chrome(picture)
        if inner is not None:
            blank = frames.blank_kind(crop(picture, inner))
    return blank


def _frame_key(image: np.ndarray) -> tuple[object, ...]:
    """Identifies a frame cheaply: its buffer, shape and a checksum of a sparse sample (every
    7th row, every other 8 bytes of it: whole words are gathered three times as fast as single
    pixels, 0.25 against 0.7 ms at 1080p, and the sample covers half of each row it takes)."""
    rows = image.reshape(image.shape[0], -1)[::7]
    words = rows[:, : rows.shape[1] // 8 * 8].view(np.uint64)[:, ::2]
    sample = np.ascontiguousarray(words)
    return (image.__array_interface__["data"][0], image.shape, zlib.crc32(sample.data))


def _second_engine(choice: str | OcrEngine | None, first: OcrEngine) -> LazyEngine | None:
    """The engine asked to read the lines ``first`` read doubtfully (``second_opinion.py``), made
    when first needed; None when there is none to ask (not wanted, the same engine, or its
    package missing: vision then reads with ``first`` alone, and says so once)."""
    if choice is None:
        return None
    engine = LazyEngine(choice, log)
    if engine.name == first.name:
        return None
    if not engine.available():
        log.warning(
            "second-opinion OCR engine %s is not installed (the optional extra `rapidocr`): "
            "lines Tesseract reads doubtfully are not read again",
            engine.name,
        )
        return None
    return engine


def _require_zbar() -> None:
    try:
        from harness.vision import qr  # noqa: F401 - imported for its check of libzbar
    except ImportError as problem:
        raise VisionError(
            f"QR decoder zbar: cannot load it ({problem}); install libzbar0 and pyzbar"
        ) from None


def _as_bgr(image: object) -> np.ndarray | None:
    """A contiguous 3-channel uint8 image, or None for anything that cannot be one."""
    if not isinstance(image, np.ndarray) or image.ndim not in (2, 3):
        return None
    if image.shape[0] < _MIN_SIDE or image.shape[1] < _MIN_SIDE:
        return None
    if image.dtype != np.uint8:
        if not np.issubdtype(image.dtype, np.number) or np.issubdtype(
            image.dtype, np.complexfloating
        ):
            return None
        image = np.clip(np.nan_to_num(image), 0, 255).astype(np.uint8)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    channels = image.shape[2]
    if channels == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if channels == 1:
        return cv2.cvtColor(image[..., 0], cv2.COLOR_GRAY2BGR)
    if channels != 3:
        return None
    return np.ascontiguousarray(image)
