"""Capture artefacts: what an HDMI grabber, a KVM or a camera does to the device's picture.

The renderer draws perfect frames; real frames are scaled, cropped, letterboxed, blurred, noisy
and JPEG-compressed, sometimes with a mouse cursor on them. ``apply_artefacts`` imitates that on
a BGR ``uint8`` array and always returns the size it was given, as a grabber delivers its own
fixed capture size whatever the source does. numpy and OpenCV are allowed here (this module never
runs inside the stand-in guest).

Order, as in a real chain: the cursor is part of the device's picture; then the display path
(overscan, scale error, letterbox, bezel); then the optics and sensor (blur, noise); last the
encoder (JPEG).

Named presets (``PRESETS``), e.g. for a test or ``harness sim render --artefacts hdmi-grabber``::

    clean, jpeg50, noisy, scaled95, scaled105, letterbox, pillarbox, overscan, bezel, cursor,
    blur, hdmi-grabber
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from harness.errors import ConfigError

BEZEL_GREY = (32, 32, 32)


@dataclass(frozen=True)
class Artefacts:
    """What to do to a frame. Lengths below 1 are fractions of the frame, from 1 on pixels."""

    jpeg_quality: int | None = None
    """Encode and decode as JPEG at this quality (1-100); None keeps the pixels exact."""
    noise_sigma: float = 0.0
    """Standard deviation of Gaussian sensor noise, in grey levels."""
    scale: float = 1.0
    """Scaler error: the picture scales about its centre (0.95 leaves a black rim, 1.05 crops)."""
    letterbox: tuple[float, float] = (0.0, 0.0)
    """Black bars (top and bottom, left and right); the picture shrinks to fit between them."""
    overscan: float = 0.0
    """Fraction cropped from every edge, then stretched back to the full size (TV overscan)."""
    bezel: float = 0.0
    """A dark grey frame of this width around the picture (a camera pointed at a monitor)."""
    cursor: tuple[float, float] | None = None
    """Where a mouse pointer (white arrow, black outline) sits on the device's screen."""
    blur: float = 0.0
    """Gaussian blur sigma in pixels (soft optics, a cheap scaler)."""

    def __post_init__(self) -> None:
        if self.jpeg_quality is not None and not 1 <= self.jpeg_quality <= 100:
            raise ConfigError(
                f"jpeg_quality must be 1..100, got {self.jpeg_quality}",
                source="artefacts",
                key="jpeg_quality",
            )
        if not 0.5 <= self.scale <= 1.5:
            raise ConfigError(
                f"scale must be 0.5..1.5, got {self.scale}", source="artefacts", key="scale"
            )
        if not 0.0 <= self.overscan < 0.25:
            raise ConfigError(
                f"overscan must be 0..0.25, got {self.overscan}", source="artefacts", key="overscan"
            )
        if self.noise_sigma < 0 or self.blur < 0 or self.bezel < 0 or min(self.letterbox) < 0:
            raise ConfigError(
                "noise_sigma, blur, bezel and letterbox must not be negative", source="artefacts"
            )


PRESETS: dict[str, Artefacts] = {
    "clean": Artefacts(),
    "jpeg50": Artefacts(jpeg_quality=50),
    "noisy": Artefacts(noise_sigma=8.0),
    "scaled95": Artefacts(scale=0.95),
    "scaled105": Artefacts(scale=1.05),
    "letterbox": Artefacts(letterbox=(0.05, 0.0)),
    "pillarbox": Artefacts(letterbox=(0.0, 0.125)),
    "overscan": Artefacts(overscan=0.03),
    "bezel": Artefacts(bezel=0.025),
    "cursor": Artefacts(cursor=(0.62, 0.55)),
    "blur": Artefacts(blur=1.2),
    "hdmi-grabber": Artefacts(
        jpeg_quality=70, noise_sigma=3.0, scale=0.985, overscan=0.015, cursor=(0.55, 0.6), blur=0.6
    ),
}


def preset(name: str) -> Artefacts:
    """The preset called ``name``; ConfigError listing the known ones otherwise."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ConfigError(
            f"unknown artefacts preset {name!r}; known: {', '.join(PRESETS)}",
            source="artefacts",
            key="preset",
        ) from None


def _length(value: float, full: int) -> int:
    return round(value * full) if value < 1 else round(value)


def _place(
    picture: np.ndarray,
    inner: tuple[int, int, int, int],
    size: tuple[int, int],
    fill: tuple[int, int, int],
) -> np.ndarray:
    """``picture`` resized into ``inner`` (top, left, height, width) of a ``fill`` frame."""
    height, width = size
    top, left, inner_h, inner_w = inner
    frame = np.empty((height, width, 3), np.uint8)
    frame[:] = fill
    if inner_h > 0 and inner_w > 0:
        frame[top : top + inner_h, left : left + inner_w] = cv2.resize(
            picture, (inner_w, inner_h), interpolation=cv2.INTER_AREA
        )
    return frame


def _scaled(bgr: np.ndarray, scale: float) -> np.ndarray:
    height, width = bgr.shape[:2]
    new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
    resized = cv2.resize(bgr, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    frame = np.zeros_like(bgr)
    # Centre the resized picture: crop it where it is larger, pad with black where smaller.
    src_x, dst_x = max(0, (new_w - width) // 2), max(0, (width - new_w) // 2)
    src_y, dst_y = max(0, (new_h - height) // 2), max(0, (height - new_h) // 2)
    copy_w, copy_h = min(width, new_w), min(height, new_h)
    frame[dst_y : dst_y + copy_h, dst_x : dst_x + copy_w] = resized[
        src_y : src_y + copy_h, src_x : src_x + copy_w
    ]
    return frame


def _draw_cursor(bgr: np.ndarray, where: tuple[float, float]) -> None:
    height, width = bgr.shape[:2]
    x, y = _length(where[0], width), _length(where[1], height)
    s = max(12, height // 40)
    arrow = np.array(
        [(0, 0), (0, 1.0), (0.28, 0.76), (0.45, 1.12), (0.6, 1.05), (0.43, 0.7), (0.75, 0.7)],
        dtype=np.float64,
    )
    points = np.round(arrow * s + (x, y)).astype(np.int32)
    cv2.fillPoly(bgr, [points], (255, 255, 255), lineType=cv2.LINE_AA)
    cv2.polylines(bgr, [points], True, (0, 0, 0), max(1, s // 12), lineType=cv2.LINE_AA)


def apply_artefacts(bgr: np.ndarray, artefacts: Artefacts, seed: int = 0) -> np.ndarray:
    """A copy of ``bgr`` (H x W x 3 uint8) with ``artefacts`` applied, still H x W."""
    if bgr.ndim != 3 or bgr.shape[2] != 3 or bgr.dtype != np.uint8:
        raise ValueError(f"expected an HxWx3 uint8 BGR image, got {bgr.shape} {bgr.dtype}")
    height, width = bgr.shape[:2]
    frame = bgr.copy()
    if artefacts.cursor is not None:
        _draw_cursor(frame, artefacts.cursor)
    if artefacts.overscan > 0:
        dx, dy = round(width * artefacts.overscan), round(height * artefacts.overscan)
        frame = cv2.resize(
            frame[dy : height - dy, dx : width - dx],
            (width, height),
            interpolation=cv2.INTER_LINEAR,
        )
    if artefacts.scale != 1.0:
        frame = _scaled(frame, artefacts.scale)
    bar_y, bar_x = _length(artefacts.letterbox[0], height), _length(artefacts.letterbox[1], width)
    if bar_y or bar_x:
        frame = _place(
            frame, (bar_y, bar_x, height - 2 * bar_y, width - 2 * bar_x), (height, width), (0, 0, 0)
        )
    if artefacts.bezel > 0:
        edge = _length(artefacts.bezel, height)
        frame = _place(
            frame, (edge, edge, height - 2 * edge, width - 2 * edge), (height, width), BEZEL_GREY
        )
    if artefacts.blur > 0:
        frame = cv2.GaussianBlur(frame, (0, 0), artefacts.blur)
    if artefacts.noise_sigma > 0:
        # float32 noise added by OpenCV (saturating) keeps a 1080p frame at a few ms.
        noise = np.random.default_rng(seed).standard_normal(frame.shape, dtype=np.float32)
        noise *= artefacts.noise_sigma
        frame = cv2.add(frame, noise, dtype=cv2.CV_8U)
    if artefacts.jpeg_quality is not None:
        ok, encoded = cv2.imencode(
            ".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(artefacts.jpeg_quality)]
        )
        if not ok:
            raise RuntimeError("OpenCV could not encode the frame as JPEG")
        frame = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
    return frame
