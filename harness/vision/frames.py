"""Cheap whole-frame facts: did the picture change, is it blank, where is the picture, did it stall.

Everything here works on small area-averaged thumbnails, so that capture noise and JPEG artefacts
average out (each grey thumbnail pixel is the mean of 8 x 8 source pixels, which divides sensor
noise by 8) while a changed status line, a moved selection or a recoloured banner still moves at
least one thumbnail pixel by many grey levels. Colour is kept: a red and a green screen of equal
brightness must never look "unchanged". Thresholds and measurements: docs/vision-frames.md.

Vision knows nothing of targets: a frame is anything with ``.image`` (BGR ``uint8``) and
``.timestamp`` (``time.monotonic()`` seconds), which ``harness.targets.frame.Frame`` satisfies.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

THUMB_BLOCK = 8
"""Side, in source pixels, of the square each grey thumbnail pixel averages (1080p -> 240 x 135).
Averaging 64 pixels divides sensor noise by 8; a changed word of 20 px text still moves a pixel
by 10+ grey levels (measurements in docs/vision-frames.md)."""

COLOUR_BLOCK = 32
"""Side of the square each colour thumbnail pixel averages. Colour is compared on a coarser grid
because JPEG keeps colour at half resolution (4:2:0) and smears it around edges; hue changes that
matter (a red vs a green screen, a recoloured banner) are large."""

CHANGE_THRESHOLD = 8.0
"""Largest thumbnail difference (0-255) still counted as "the same picture". Two JPEG-50
encodings of one picture under sensor noise (sigma 6) differ by <= 5; a changed status line
differs by >= 11, a moved selection by far more."""

DARK_LEVEL = 40
"""Level (0-255) under which a thumbnail pixel counts as dark in every channel (black bars, an off
screen, a dark grey bezel)."""

BLANK_TOLERANCE = 24
"""Distance from the dominant colour (max over channels) under which a pixel counts as
background on a uniform screen; the remaining pixels are the "content" (text, a logo)."""


class FrameLike(Protocol):
    """What vision needs of a frame (``harness.targets.frame.Frame`` has it)."""

    @property
    def image(self) -> np.ndarray: ...

    @property
    def timestamp(self) -> float: ...


class StillScreenTimeout(Exception):
    """The screen kept changing (or never delivered frames) until the timeout.

    A plain vision exception, not a ``RigError``: a screen that never settles may be the device
    (an animation that should have stopped) or the rig; the caller decides.
    """

    def __init__(self, message: str, last_frame: FrameLike | None = None) -> None:
        super().__init__(message)
        self.last_frame = last_frame


# --- thumbnails and change detection -------------------------------------------------------------


def area_resize(img: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``cv2.resize(img, size, INTER_AREA)``, three times faster on large reductions.

    Halves the image with INTER_AREA (OpenCV's fast exact 2 x 2 average) while it stays at least
    twice the target size, then finishes with one INTER_AREA step: the same block averages, up to
    rounding. Measured: 1080p to 240 x 135 in 0.4 ms instead of 1.3 ms; 4K in 2.5 ms, not 5.5 ms.
    """
    width, height = size
    while img.shape[1] >= 2 * width and img.shape[0] >= 2 * height:
        img = cv2.resize(img, (img.shape[1] // 2, img.shape[0] // 2), interpolation=cv2.INTER_AREA)
    if img.shape[1] != width or img.shape[0] != height:
        img = cv2.resize(img, (width, height), interpolation=cv2.INTER_AREA)
    return img


@dataclass(frozen=True)
class Thumbnail:
    """A frame reduced to what change detection compares: area-averaged grey and colour grids."""

    grey: np.ndarray
    """int16 (h, w), one pixel per THUMB_BLOCK x THUMB_BLOCK source pixels."""
    colour: np.ndarray
    """int16 (h, w, channels), one pixel per COLOUR_BLOCK x COLOUR_BLOCK source pixels."""


def thumbnail(img: np.ndarray) -> Thumbnail:
    """Reduce a BGR (or grey) frame to a ``Thumbnail``. One full-frame pass (INTER_AREA sees every
    pixel, so a 1 px line is never skipped); the rest works on the small grid."""
    height, width = img.shape[:2]
    thumb_width = max(8, round(width / THUMB_BLOCK))
    thumb_height = max(1, round(height * thumb_width / width))
    small = area_resize(img, (thumb_width, thumb_height))
    ratio = COLOUR_BLOCK // THUMB_BLOCK
    coarse = cv2.resize(
        small,
        (max(2, thumb_width // ratio), max(1, thumb_height // ratio)),
        interpolation=cv2.INTER_AREA,
    )
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    return Thumbnail(grey=grey.astype(np.int16), colour=coarse.astype(np.int16))


def thumbnail_difference(a: Thumbnail, b: Thumbnail) -> float:
    """Largest absolute difference of two thumbnails, 0-255: any grey pixel, or any channel of
    any coarse colour pixel. Thumbnails of different shapes (a mode change) differ: 255."""
    if a.grey.shape != b.grey.shape or a.colour.shape != b.colour.shape:
        return 255.0
    grey = int(np.abs(a.grey - b.grey).max())
    colour = int(np.abs(a.colour - b.colour).max())
    return float(max(grey, colour))


def frame_difference(a: np.ndarray, b: np.ndarray) -> float:
    """How different two frames look, 0 (same) to 255: the largest thumbnail pixel difference.

    The maximum, not the mean: a changed status line is a small part of the frame, and a mean over
    the whole frame would drown it; averaging inside each thumbnail pixel already removes noise.
    """
    return thumbnail_difference(thumbnail(a), thumbnail(b))


def frames_differ(a: np.ndarray, b: np.ndarray, threshold: float = CHANGE_THRESHOLD) -> bool:
    """True when the pictures differ by more than capture noise and compression artefacts."""
    return frame_difference(a, b) > threshold


class ChangeDetector:
    """Tells whether each new frame differs from the last one it saw, keeping only a thumbnail.

    >>> detector = ChangeDetector()
    >>> detector.changed(first)   # the first frame is always a change
    True
    >>> detector.changed(same_picture_again)
    False
    """

    def __init__(self, threshold: float = CHANGE_THRESHOLD) -> None:
        self.threshold = threshold
        self._previous: Thumbnail | None = None
        self.last_difference: float = 255.0
        """The difference measured by the last ``changed`` call (255 for the first frame)."""

    def changed(self, img: np.ndarray) -> bool:
        """Compare ``img`` with the previous frame, then remember it as the previous frame."""
        current = thumbnail(img)
        if self._previous is None:
            self.last_difference = 255.0
        else:
            self.last_difference = thumbnail_difference(self._previous, current)
        self._previous = current
        return self.last_difference > self.threshold

    def reset(self) -> None:
        """Forget the previous frame: the next one counts as a change."""
        self._previous = None
        self.last_difference = 255.0


# --- blank screens -------------------------------------------------------------------------------

_BLANK_THUMB_WIDTH = 128


def _blank_thumb(img: np.ndarray) -> np.ndarray:
    """A 128-wide int16 thumbnail (BGR, or grey for a grey frame) for the blank-screen tests."""
    height, width = img.shape[:2]
    size = (_BLANK_THUMB_WIDTH, max(1, round(height * _BLANK_THUMB_WIDTH / width)))
    return area_resize(img, size).astype(np.int16)


NEGLIGIBLE_CONTENT = 0.002
"""Share of thumbnail pixels under which content does not count: a mouse pointer or a few hot
pixels on a black screen leave it black."""


def _dominant_colour(thumb: np.ndarray) -> np.ndarray:
    """The per-channel median: the background colour when the background covers most pixels."""
    return np.median(thumb.reshape(-1, thumb.shape[-1] if thumb.ndim == 3 else 1), axis=0)


def _content_mask(thumb: np.ndarray, background: np.ndarray, dark: bool) -> np.ndarray:
    """Pixels that are not background (text, logos).

    On a dark background every dark pixel is background, whatever its exact level: a dark grey
    bezel or grabber bars around a black screen are not content. On a coloured background,
    content is what differs from that colour by more than ``BLANK_TOLERANCE``.
    """
    pixels = thumb.reshape(thumb.shape[0], thumb.shape[1], -1)
    if dark:
        return pixels.max(axis=2) >= DARK_LEVEL
    return np.abs(pixels - background).max(axis=2) > BLANK_TOLERANCE


def _content_box(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1), int(rows[-1] - rows[0] + 1)


def _small_centred_content(
    mask: np.ndarray, max_fraction: float, max_width: float, max_height: float
) -> bool:
    """Content that covers little of the frame and sits in a compact box around the centre."""
    box = _content_box(mask)
    if box is None:
        return False
    height, width = mask.shape
    x, y, w, h = box
    centre_x, centre_y = (x + w / 2) / width, (y + h / 2) / height
    return (
        mask.mean() <= max_fraction
        and w <= max_width * width
        and h <= max_height * height
        and 0.3 <= centre_x <= 0.7
        and 0.25 <= centre_y <= 0.75
    )


def _looks_like_firmware_logo(mask: np.ndarray) -> bool:
    # Firmware / boot logo on black: one bright object (an OEM or Windows logo, maybe a spinner
    # below it) in the middle of the screen, up to 15 % of it.
    return _small_centred_content(mask, max_fraction=0.15, max_width=0.6, max_height=0.7)


def _looks_like_no_signal_card(mask: np.ndarray) -> bool:
    # A grabber card: one colour with a line or two of centred text ("No Signal", "No input").
    # Windows screens put a title near the top and buttons near a corner, so their content box is
    # wide and tall; the card's is small. (A Windows "Just a moment..." interstitial - centred
    # text on a plain colour - does look like this; it is a transition screen, not a flow state.)
    return _small_centred_content(mask, max_fraction=0.04, max_width=0.5, max_height=0.3)


def blank_kind_of_thumbnail(thumb: np.ndarray) -> str | None:
    """``blank_kind`` for a 128-pixel-wide int16 thumbnail of the frame."""
    background = _dominant_colour(thumb)
    # Every channel, not grey: pure blue (a grabber's "no signal" screen) has a grey level of 29.
    dark = float(background.max()) < DARK_LEVEL
    mask = _content_mask(thumb, background, dark)
    if mask.mean() <= NEGLIGIBLE_CONTENT:
        return "black" if dark else "uniform"
    if dark and _looks_like_firmware_logo(mask):
        return "firmware"
    if _looks_like_no_signal_card(mask):
        return "no-signal"
    return None


def is_black(img: np.ndarray) -> bool:
    """Dark everywhere (a stray mouse pointer allowed): an off display, a reboot gap, a mode
    switch."""
    return blank_kind(img) == "black"


def is_uniform(img: np.ndarray) -> bool:
    """One colour everywhere: black, a grabber's blue "no signal" screen, a blank wallpaper."""
    return blank_kind(img) in {"black", "uniform"}


def is_no_signal(img: np.ndarray) -> bool:
    """Black, one colour, or a capture device's "No Signal" card (one colour, a little centred
    text). A card on black counts as ``firmware`` (a logo on black): both mean "no screen of the
    flow"."""
    return blank_kind(img) in {"black", "uniform", "no-signal"}


def looks_like_firmware_logo(img: np.ndarray) -> bool:
    """Mostly black with a small bright object in the centre (a power-on or reboot logo)."""
    return blank_kind(img) == "firmware"


def blank_kind(img: np.ndarray) -> str | None:
    """Why the frame shows no screen of the flow: ``"black"``, ``"uniform"``, ``"no-signal"``,
    ``"firmware"``, or None when it shows something else.

    Dark bars or a dark bezel around a dark screen are tolerated; around a coloured screen they
    count as content, so crop to ``active_area`` first when the capture may add them.
    """
    return blank_kind_of_thumbnail(_blank_thumb(img))


# --- active area ---------------------------------------------------------------------------------

_BORDER_STD = 10.0
"""A border row or column varies by less than this (grey levels, standard deviation)."""
_BORDER_GREY_DISTANCE = 14.0
"""... its mean grey stays this close to the grey of the frame's corners (the bar / bezel) ..."""
_BORDER_CHROMA = 24.0
"""... and it is nearly neutral (max - min channel): bars and bezels are black or dark grey, while
the dark backgrounds of Windows screens (Windows 10 blue, the red result screen) are coloured."""
_MIN_ACTIVE_FRACTION = 0.2
"""A "picture" smaller than this part of the frame is content on a black screen (a firmware
logo), not a picture inside bars: the whole frame is returned."""


def _border_stats(img: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean grey, grey standard deviation and mean chroma of every row (axis=1) or column (0)."""
    if img.ndim == 3:
        img = np.ascontiguousarray(img)
        grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY).astype(np.float32)
        # OpenCV, not ndarray.max(axis=2): numpy reduces a length-3 last axis ten times slower.
        blue, green, red = cv2.split(img)
        spread = cv2.subtract(
            cv2.max(cv2.max(blue, green), red), cv2.min(cv2.min(blue, green), red)
        )
        chroma = spread.mean(axis=axis, dtype=np.float32)
    else:
        grey = img.astype(np.float32)
        chroma = np.zeros(grey.shape[1 - axis], np.float32)
    return grey.mean(axis=axis), grey.std(axis=axis), chroma


def _is_border(stats: tuple[np.ndarray, np.ndarray, np.ndarray], corner: float) -> np.ndarray:
    means, stds, chromas = stats
    return (
        (stds < _BORDER_STD)
        & (np.abs(means - corner) < _BORDER_GREY_DISTANCE)
        & (chromas < _BORDER_CHROMA)
    )


def _leading_run(border: np.ndarray) -> int:
    not_border = np.flatnonzero(~border)
    return int(not_border[0]) if not_border.size else len(border)


def active_area(img: np.ndarray) -> tuple[int, int, int, int]:
    """(x, y, width, height) of the picture inside letterbox / pillarbox bars or a dark bezel.

    A border is a run of rows (columns) from an edge that are dark, neutral, nearly uniform and
    the same grey as the corners. Runs are found on a quarter-size image (noise averages out, 4K
    costs milliseconds), then each edge is refined on the full-size rows around it, so the box is
    exact to a pixel. A frame without borders, or one that is (nearly) all border, gives the whole
    frame.
    """
    height, width = img.shape[:2]
    whole = (0, 0, width, height)
    scale = 4 if min(height, width) >= 256 else 1
    small = area_resize(img, (width // scale, height // scale))
    corner_pixels = np.concatenate([small[:2, :2].reshape(4, -1), small[-2:, -2:].reshape(4, -1)])
    corner_grey = float(np.median(_border_stats(corner_pixels[:, None, ...], axis=1)[0]))
    corner_chroma = float(np.median(np.ptp(corner_pixels, axis=1))) if img.ndim == 3 else 0.0
    if corner_grey >= DARK_LEVEL or corner_chroma >= _BORDER_CHROMA:
        return whole

    edges = []
    for axis in (1, 0):  # rows (top, bottom), then columns (left, right)
        border = _is_border(_border_stats(small, axis), corner_grey)
        length = height if axis == 1 else width
        for from_end in (False, True):
            coarse = _leading_run(border[::-1] if from_end else border)
            edges.append(_refine(img, axis, from_end, coarse * scale, scale, length, corner_grey))
    top, bottom, left, right = edges
    x0, y0, x1, y1 = left, top, width - right, height - bottom
    if x1 <= x0 or y1 <= y0 or (x1 - x0) * (y1 - y0) < _MIN_ACTIVE_FRACTION * width * height:
        return whole
    return x0, y0, x1 - x0, y1 - y0


def _refine(
    img: np.ndarray, axis: int, from_end: bool, guess: int, scale: int, length: int, corner: float
) -> int:
    """The exact border width near ``guess``, measured on full-size rows (columns)."""
    if scale == 1 or guess >= length:
        return min(guess, length)
    start = max(0, guess - scale)
    stop = min(length, guess + scale)
    index = slice(length - stop, length - start) if from_end else slice(start, stop)
    band = img[index] if axis == 1 else img[:, index]
    border = _is_border(_border_stats(band, axis), corner)
    if from_end:
        border = border[::-1]
    return start + _leading_run(border)


# --- waiting and stalls --------------------------------------------------------------------------


def wait_for_still_screen(
    grab: Callable[[], FrameLike],
    *,
    still_s: float,
    timeout_s: float,
    interval_s: float = 0.2,
    threshold: float = CHANGE_THRESHOLD,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> FrameLike:
    """Grab frames until the picture has not changed for ``still_s``; return the last frame.

    Like openQA's ``wait_still_screen``. Raises ``StillScreenTimeout`` (carrying the last frame)
    when the screen is still changing after ``timeout_s``.
    """
    detector = ChangeDetector(threshold=threshold)
    start = clock()
    last_change = start
    frame = grab()
    detector.changed(frame.image)
    while True:
        now = clock()
        if now - last_change >= still_s:
            return frame
        if now - start >= timeout_s:
            raise StillScreenTimeout(
                f"screen did not stay still for {still_s:g} s within {timeout_s:g} s "
                f"(last change {now - last_change:.1f} s ago, "
                f"difference {detector.last_difference:.1f} > {threshold:g})",
                last_frame=frame,
            )
        sleep(interval_s)
        frame = grab()
        if detector.changed(frame.image):
            last_change = clock()


class StallDetector:
    """Reports when no NEW frame has arrived for ``stall_after_s`` (a frozen capture pipeline).

    A new frame is a different frame object with a later timestamp. The same object again, or a
    frame with the same (or an older) timestamp, is not new. An unchanged *picture* in new frames is
    not a stall: the device may just be showing the same screen.

    >>> stall = StallDetector(stall_after_s=10)
    >>> stall.feed(frame)        # True: a new frame
    >>> stall.stalled()          # True once 10 s pass without a new frame
    """

    def __init__(self, stall_after_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        if stall_after_s <= 0:
            raise ValueError(f"stall_after_s must be > 0, got {stall_after_s!r}")
        self.stall_after_s = stall_after_s
        self._clock = clock
        self._last_frame: object | None = None
        self._last_timestamp: float | None = None
        self._last_new_at = clock()
        self.frames_seen = 0
        self.new_frames = 0

    def feed(self, frame: FrameLike) -> bool:
        """Record a delivered frame; True when it is a new one."""
        self.frames_seen += 1
        is_new = frame is not self._last_frame and (
            self._last_timestamp is None or frame.timestamp > self._last_timestamp
        )
        if is_new:
            self._last_frame = frame
            self._last_timestamp = frame.timestamp
            self._last_new_at = self._clock()
            self.new_frames += 1
        return is_new

    def seconds_since_new_frame(self) -> float:
        """Time since the last new frame arrived (or since this detector was made)."""
        return self._clock() - self._last_new_at

    def stalled(self) -> bool:
        """True when no new frame arrived for ``stall_after_s`` or longer."""
        return self.seconds_since_new_frame() >= self.stall_after_s
