"""The public face of vision: ``Vision(...).classify(image)`` and ``.observe(image)``.

    vision = Vision()                      # every Windows version, en-US, default definitions
    vision = Vision(Path("lab/screens"), windows=11, language="de-DE")
    observation = vision.classify(frame.image)   # state, confidence, evidence (cheap)
    observation = vision.observe(frame.image)    # + fields and the QR code

Neither call raises on a strange image (it is ``unknown``); only the constructor raises
ConfigError, for bad definition files.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from harness.vision.classifier import Looked, ScreenClassifier
from harness.vision.definitions import DefinitionSet, load_definitions
from harness.vision.field_reader import FieldReader
from harness.vision.needles import NeedleSet
from harness.vision.observation import Evidence, Observation, ScreenState
from harness.vision.ocr import TextReader

log = logging.getLogger(__name__)

_MIN_SIDE = 32


class Vision:
    def __init__(
        self,
        definitions_dir: Path | None = None,
        *,
        windows: int | None = None,
        language: str = "en-US",
    ) -> None:
        self.definitions: DefinitionSet = load_definitions(
            definitions_dir, windows=windows, language=language
        )
        self.windows = windows
        self.language = language
        self.needles = NeedleSet.load(self.definitions.directory / "needles")
        self.reader = TextReader()
        self._classifier = ScreenClassifier(self.definitions, self.reader, self.needles)
        self._fields = FieldReader(self.definitions, self.reader, language)

    def classify(self, image_bgr: np.ndarray) -> Observation:
        """Which screen this is, how sure, and why. Never raises for an image."""
        return self._classify(image_bgr)[0]

    def observe(self, image_bgr: np.ndarray) -> Observation:
        """``classify`` plus every field of that screen and the QR code. Never raises for an
        image."""
        observation, looked, image = self._classify(image_bgr)
        if image is None or looked is None or looked.definition is None:
            return observation
        try:
            fields, qr = self._fields.read(image, observation, looked)
        except Exception as problem:  # a frame must never crash the flow
            log.exception("field extraction failed")
            note = Evidence("fields:error", 0.0, f"{type(problem).__name__}: {problem}")
            return replace(observation, evidence=(*observation.evidence, note))
        return replace(observation, fields=fields, qr=qr)

    def _classify(
        self, image_bgr: np.ndarray
    ) -> tuple[Observation, Looked | None, np.ndarray | None]:
        image = _as_bgr(image_bgr)
        if image is None:
            note = Evidence("input", 0.0, "not a BGR image of at least 32x32 pixels")
            return Observation(ScreenState.UNKNOWN, 0.0, evidence=(note,)), None, None
        try:
            observation, looked = self._classifier.classify(image)
        except Exception as problem:  # a frame must never crash the flow
            log.exception("classification failed")
            note = Evidence("classify:error", 0.0, f"{type(problem).__name__}: {problem}")
            return Observation(ScreenState.UNKNOWN, 0.0, evidence=(note,)), None, None
        return observation, looked, image


def _as_bgr(image: object) -> np.ndarray | None:
    """A contiguous 3-channel uint8 image, or None for anything that cannot be one."""
    if not isinstance(image, np.ndarray) or image.ndim not in (2, 3):
        return None
    if image.shape[0] < _MIN_SIDE or image.shape[1] < _MIN_SIDE:
        return None
    if image.dtype != np.uint8:
        if not np.issubdtype(image.dtype, np.number):
            return None
        image = np.clip(image, 0, 255).astype(np.uint8)
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
