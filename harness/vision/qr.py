"""Find and decode the Autopilot QR code on a frame: zbar first, OpenCV second, never raise.

``decode_qr`` tries cheap attempts first and stops at the first code it decodes. The order comes
from ``bench/qr_decoders.py`` (figures in docs/vision-frames.md): zbar on the grey frame read all
81 simulated configuration / result screens (1024x768, 1080p, 4K; JPEG-50, noise, scaling,
letterbox, bezel, blur) with a median of 22 ms; OpenCV's two detectors read 76 and 79 of them, 3
times slower. On small codes (2 px modules, blurred) only zbar on a 2x upscale helped, so the
fallbacks are, in order: zbar on the crop around the expected place (``hint_box``), that crop
upscaled 2x, the whole frame upscaled 2x (frames up to 2048 px), an Otsu threshold, then OpenCV.
The fallbacks run only when the frame shows three QR finder patterns in an L
(``harness.vision.qr_presence``): a frame without a code costs one zbar pass and that check.
Where the caller has already found those patterns (``located``: vision finds them on every
page), zbar reads that square first: zbar's time follows the pixels it scans, 15-20 ms for the
square against 70-90 ms for a 1080p frame here; the whole sequence follows only if the square
reads nothing.

The text is then parsed by ``parse_qr_payload`` (``harness.vision.qr_payload``): a decoded code
with a bad payload gives ``QrResult.error``; no code at all gives ``QrResult(raw=None)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import cv2
import numpy as np
from pyzbar import pyzbar

from harness.vision.observation import QrResult
from harness.vision.qr_payload import normalise_guid, parse_qr_payload
from harness.vision.qr_presence import likely_has_qr

__all__ = ["Decoded", "decode_qr", "normalise_guid", "parse_qr_payload"]

Box = tuple[int, int, int, int]

UPSCALE_MAX_SIDE = 2048
"""Upscale 2x only images up to this size: small codes live on small frames or in crops; a 4K
frame upscaled would cost a second and gain nothing (its modules are already large)."""

HINT_MARGIN = 0.5
"""Margin added around a hint box on every side, as a fraction of the box's size."""


@dataclass(frozen=True)
class Decoded:
    """One decoded code: its text, who decoded it, and where it is in the frame."""

    text: str
    decoder: str
    box: Box | None


def _zbar(grey: np.ndarray) -> list[tuple[str, Box | None]]:
    found = []
    for symbol in pyzbar.decode(grey, symbols=[pyzbar.ZBarSymbol.QRCODE]):
        text = symbol.data.decode("utf-8", errors="replace")
        rect = symbol.rect
        found.append((text, (rect.left, rect.top, rect.width, rect.height)))
    return found


def _points_box(points: np.ndarray | None) -> Box | None:
    if points is None or np.size(points) < 8:
        return None
    xy = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    x0, y0 = np.floor(xy.min(axis=0))
    x1, y1 = np.ceil(xy.max(axis=0))
    return int(x0), int(y0), int(x1 - x0), int(y1 - y0)


def _opencv(image: np.ndarray) -> list[tuple[str, Box | None]]:
    # A new detector per call (it costs microseconds): no state shared between threads or runs.
    text, points, _ = cv2.QRCodeDetector().detectAndDecode(image)
    return [(text, _points_box(points))] if text else []


def _opencv_aruco(image: np.ndarray) -> list[tuple[str, Box | None]]:
    # OpenCV's newer detector (finder patterns found with the ArUco machinery): measured more
    # accurate than the classic one on scaled and blurred frames, and a little faster.
    text, points, _ = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    return [(text, _points_box(points))] if text else []


DECODERS: dict[str, Callable[[np.ndarray], list[tuple[str, Box | None]]]] = {
    "zbar": _zbar,
    "opencv-aruco": _opencv_aruco,
    "opencv": _opencv,
}
"""Decoder name -> function of a grey (zbar) or grey/BGR (OpenCV) image. Names appear in
``QrResult.decoder`` as ``<decoder>`` or ``<decoder>+<variant>`` (``zbar+hint-2x``)."""


@dataclass(frozen=True)
class _Variant:
    """An image to try, and how its coordinates map back to the frame."""

    name: str
    image: np.ndarray
    offset: tuple[int, int] = (0, 0)
    scale: float = 1.0

    def to_frame(self, box: Box | None) -> Box | None:
        if box is None:
            return None
        x, y, w, h = box
        ox, oy = self.offset
        s = self.scale
        return round(x / s) + ox, round(y / s) + oy, round(w / s), round(h / s)


def _upscaled(name: str, image: np.ndarray, offset: tuple[int, int]) -> _Variant:
    big = cv2.resize(image, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
    return _Variant(name, big, offset, 2.0)


def _hint_crop(image: np.ndarray, hint_box: Box) -> tuple[np.ndarray, tuple[int, int]] | None:
    """``hint_box`` with ``HINT_MARGIN`` around it, cut out of ``image`` (grey or BGR)."""
    height, width = image.shape[:2]
    x, y, w, h = hint_box
    mx, my = round(w * HINT_MARGIN), round(h * HINT_MARGIN)
    x0, y0 = max(0, x - mx), max(0, y - my)
    x1, y1 = min(width, x + w + mx), min(height, y + h + my)
    if x1 - x0 < 16 or y1 - y0 < 16:
        return None
    return image[y0:y1, x0:x1], (x0, y0)


def _grey(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image


def _attempts(
    image_bgr: np.ndarray, hint_box: Box | None, located: Box | None = None
) -> Iterator[tuple[str, _Variant]]:
    """(decoder, variant) pairs in the measured order; images are made lazily, when reached."""
    square = _hint_crop(image_bgr, located) if located is not None else None
    if square is not None:
        region, offset = square
        yield "zbar", _Variant("located", _grey(region), offset)
    grey = _grey(image_bgr)
    full = _Variant("", grey)
    yield "zbar", full
    # Reached only when zbar read nothing: the fallbacks cost 5 times as much, and run only when
    # the frame shows finder patterns (a frame without a code stops here).
    if not likely_has_qr(grey):
        return
    crop = _hint_crop(grey, hint_box) if hint_box is not None else None
    if crop is not None:
        region, offset = crop
        yield "zbar", _Variant("hint", region, offset)
        if max(region.shape[:2]) <= UPSCALE_MAX_SIDE:
            yield "zbar", _upscaled("hint-2x", region, offset)
    if max(grey.shape[:2]) <= UPSCALE_MAX_SIDE:
        yield "zbar", _upscaled("2x", grey, (0, 0))
    _, otsu = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    yield "zbar", _Variant("otsu", otsu)
    # OpenCV last: in the measurements it never read a code that zbar's variants missed, but it
    # is a different detector (finder patterns, perspective), a second opinion for real frames.
    yield "opencv-aruco", _Variant("", image_bgr)
    yield "opencv", _Variant("", image_bgr)
    if crop is not None:
        region, offset = crop
        yield "opencv-aruco", _upscaled("hint-2x", region, offset)


def find_qr(
    image_bgr: np.ndarray, hint_box: Box | None = None, located: Box | None = None
) -> Decoded | None:
    """The first QR code any attempt decodes, or None."""
    for decoder, variant in _attempts(image_bgr, hint_box, located):
        for text, box in DECODERS[decoder](variant.image):
            name = f"{decoder}+{variant.name}" if variant.name else decoder
            return Decoded(text=text, decoder=name, box=variant.to_frame(box))
    return None


def decode_qr(
    image_bgr: np.ndarray, hint_box: Box | None = None, located: Box | None = None
) -> QrResult:
    """Locate, decode and parse the QR code on a BGR frame.

    ``hint_box`` (x, y, width, height) is where the screen definition expects the code; it is
    tried (cropped, then upscaled) right after the full frame. ``located`` is where the code's
    finder patterns were seen (``qr_area``); that crop is read before anything else. Returns
    ``QrResult(raw=None)`` when no code is found, and a result with ``error`` set when the
    code's text is not a valid Autopilot payload. Never raises for what is on the frame.
    """
    decoded = find_qr(image_bgr, hint_box, located)
    if decoded is None:
        return QrResult(raw=None)
    parsed = parse_qr_payload(decoded.text, decoder=decoded.decoder)
    return QrResult(
        raw=parsed.raw,
        decoder=parsed.decoder,
        payload=parsed.payload,
        ztd_id=parsed.ztd_id,
        error=parsed.error,
        box=decoded.box,
    )
