"""Capture artefacts: what an HDMI grabber, a KVM or a camera does to the device's picture.

The renderer draws perfect frames; real frames are scaled, cropped, letterboxed, blurred, noisy
and JPEG-compressed, sometimes with a mouse cursor on them; screenshots in blog posts and tickets
are also cropped, framed by a VM viewer window, annotated in red and shrunk to a thumbnail that
is blown up again (``screenshot.py``). ``apply_artefacts`` imitates all of that on a BGR
``uint8`` array. It returns the size it was given (a grabber delivers its own fixed capture
size) unless ``crop``, ``window`` or ``output_size`` change it. numpy and OpenCV are allowed here
(this module never runs inside the stand-in guest).

Order: the cursor and the annotations on the device's picture (so their coordinates are the
renderer's), the crop; then the display path (overscan, scale error, letterbox, monitor bezel,
tablet bezel); the VM window frame; the optics and sensor (blur, noise); the thumbnail; the
grabber's output size; last the encoder (JPEG).

Named presets (``PRESETS``), e.g. for a test or ``harness sim render --artefacts hdmi-grabber``::

    clean, jpeg50, noisy, scaled95, scaled105, letterbox, pillarbox, overscan, bezel, cursor,
    blur, hdmi-grabber, tablet, vm-window, thumbnail, cropped, annotated, capture720
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from harness.errors import ConfigError
from harness.sim.render import screenshot
from harness.sim.render.screenshot import Annotation

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
    crop: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    """Cut from the (left, top, right, bottom) edges: a screenshot of part of the screen."""
    tablet: float = 0.0
    """A black rounded tablet bezel of this width on a desk (a photo of a tablet)."""
    window: str | None = None
    """Frame the picture in a VM viewer window with this title (title bar and border)."""
    window_dark: bool = False
    """The viewer window in dark mode."""
    thumbnail_width: int | None = None
    """Shrink to this many pixels wide, then blow up again (a blog's thumbnail)."""
    output_size: tuple[int, int] | None = None
    """(width, height) the frame ends at: another capture resolution, maybe another aspect."""
    annotations: tuple[Annotation, ...] = ()
    """Red rectangles, arrows and notes drawn by a person, in the device picture's pixels."""

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
        lengths = (self.noise_sigma, self.blur, self.bezel, self.tablet, *self.letterbox)
        if min(lengths) < 0 or min(self.crop) < 0:
            raise ConfigError(
                "noise_sigma, blur, bezel, tablet, letterbox and crop must not be negative",
                source="artefacts",
            )
        if self.thumbnail_width is not None and not 64 <= self.thumbnail_width <= 4000:
            raise ConfigError(
                f"thumbnail_width must be 64..4000, got {self.thumbnail_width}",
                source="artefacts",
                key="thumbnail_width",
            )
        if self.output_size is not None and min(self.output_size) < 64:
            raise ConfigError(
                f"output_size must be at least 64x64, got {self.output_size}",
                source="artefacts",
                key="output_size",
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
    "tablet": Artefacts(tablet=0.04, blur=0.8, noise_sigma=3.0, jpeg_quality=80),
    "vm-window": Artefacts(window="WIN-AP01 on QEMU/KVM"),
    "thumbnail": Artefacts(thumbnail_width=560, blur=0.6, jpeg_quality=75),
    "cropped": Artefacts(crop=(0.04, 0.02, 0.06, 0.03)),
    # Around the bottom-right corner, where every screen's buttons are, and pointing at it.
    "annotated": Artefacts(
        annotations=(
            Annotation("box", (0.55, 0.86, 0.99, 0.99), thickness=4),
            Annotation("arrow", (0.35, 0.80, 0.54, 0.9), thickness=4),
        )
    ),
    "capture720": Artefacts(output_size=(1280, 720), jpeg_quality=85),
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


def _annotations_in_pixels(
    annotations: tuple[Annotation, ...], width: int, height: int
) -> tuple[Annotation, ...]:
    """Annotations with fractional coordinates (below 1) turned into pixels."""
    marks = []
    for mark in annotations:
        x0, y0, x1, y1 = mark.where
        where = (_length(x0, width), _length(y0, height), _length(x1, width), _length(y1, height))
        marks.append(replace(mark, where=where))
    return tuple(marks)


def apply_artefacts(bgr: np.ndarray, artefacts: Artefacts, seed: int = 0) -> np.ndarray:
    """A copy of ``bgr`` (H x W x 3 uint8) with ``artefacts`` applied (see the module's order)."""
    if bgr.ndim != 3 or bgr.shape[2] != 3 or bgr.dtype != np.uint8:
        raise ValueError(f"expected an HxWx3 uint8 BGR image, got {bgr.shape} {bgr.dtype}")
    frame = bgr.copy()
    height, width = frame.shape[:2]
    if artefacts.cursor is not None:
        _draw_cursor(frame, artefacts.cursor)
    if artefacts.annotations:
        frame = screenshot.draw_annotations(
            frame, _annotations_in_pixels(artefacts.annotations, width, height)
        )
    if any(artefacts.crop):
        left, top, right, bottom = artefacts.crop
        frame = screenshot.crop(
            frame,
            (
                _length(left, width),
                _length(top, height),
                _length(right, width),
                _length(bottom, height),
            ),
        )
        height, width = frame.shape[:2]
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
    if artefacts.tablet > 0:
        frame = screenshot.tablet(frame, _length(artefacts.tablet, height))
    if artefacts.window is not None:
        frame = screenshot.window_frame(frame, artefacts.window, artefacts.window_dark)
    if artefacts.blur > 0:
        frame = cv2.GaussianBlur(frame, (0, 0), artefacts.blur)
    if artefacts.noise_sigma > 0:
        # float32 noise added by OpenCV (saturating) keeps a 1080p frame at a few ms.
        noise = np.random.default_rng(seed).standard_normal(frame.shape, dtype=np.float32)
        noise *= artefacts.noise_sigma
        frame = cv2.add(frame, noise, dtype=cv2.CV_8U)
    if artefacts.thumbnail_width is not None and artefacts.thumbnail_width < frame.shape[1]:
        frame = screenshot.thumbnail(frame, artefacts.thumbnail_width)
    if artefacts.output_size is not None and artefacts.output_size != frame.shape[1::-1]:
        shrink = artefacts.output_size[0] < frame.shape[1]
        frame = cv2.resize(
            frame,
            tuple(artefacts.output_size),
            interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR,
        )
    if artefacts.jpeg_quality is not None:
        ok, encoded = cv2.imencode(
            ".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(artefacts.jpeg_quality)]
        )
        if not ok:
            raise RuntimeError("OpenCV could not encode the frame as JPEG")
        frame = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
    return frame
