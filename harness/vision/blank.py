"""Is the frame blank: black, one colour, a capture card's "No Signal" card, a firmware logo?

Computed on a 128-pixel-wide area-averaged thumbnail, so capture noise and JPEG artefacts average
out. Rules and measurements: docs/vision-frames.md ("Blank screens").
"""

from __future__ import annotations

import cv2
import numpy as np

from harness.vision.signature import area_resize, halved_to

DARK_LEVEL = 40
"""Level (0-255) under which a thumbnail pixel counts as dark in every channel (black bars, an off
screen, a dark grey bezel)."""

BLANK_TOLERANCE = 24
"""Distance from the dominant colour (max over channels) under which a pixel counts as
background on a uniform screen; the remaining pixels are the "content" (text, a logo)."""


_BLANK_THUMB_WIDTH = 128

ANNOTATION_REDNESS = 2
"""A pixel this many times as red as it is green or blue (and past ``DARK_LEVEL``) is an
annotation's red."""

SURROUND_BAND = 0.08
"""Share of the thumbnail's shorter side along each edge where content that goes no further in
is the surround of the screen, not on it."""


def blank_thumbnail(img: np.ndarray) -> np.ndarray:
    """A 128-wide int16 thumbnail (BGR, or grey for a grey frame) for the blank-screen tests."""
    height, width = img.shape[:2]
    size = (_BLANK_THUMB_WIDTH, max(1, round(height * _BLANK_THUMB_WIDTH / width)))
    # Exact halvings first (an odd last row or column does not count): several times cheaper.
    return area_resize(halved_to(img, 2 * _BLANK_THUMB_WIDTH - 1), size).astype(np.int16)


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
        return _channel_max(pixels) >= DARK_LEVEL
    # Doubled, in integers: the median may end in .5, and float arithmetic costs several times
    # as much on every pixel.
    twice_background = np.rint(2 * background).astype(np.int16)
    return _channel_max(np.abs(2 * pixels - twice_background)) > 2 * BLANK_TOLERANCE


def _channel_max(pixels: np.ndarray) -> np.ndarray:
    """Per-pixel maximum over the last axis; channel by channel (numpy's axis=-1 reduction is
    slow on three channels)."""
    if pixels.shape[-1] == 1:
        return pixels[..., 0]
    return np.maximum.reduce([pixels[..., channel] for channel in range(pixels.shape[-1])])


def annotation_red(pixels: np.ndarray, min_red: int = DARK_LEVEL) -> np.ndarray:
    """Which BGR ``pixels`` (any shape ending in 3) are the saturated red that people draw boxes,
    arrows and notes in on screenshots: at least ``min_red`` red and ``ANNOTATION_REDNESS`` times
    as red as green or blue. Thin strokes average down with what is around them in a thumbnail:
    there the hue decides more than the level."""
    values = pixels.astype(np.int16)
    blue, green, red = values[..., 0], values[..., 1], values[..., 2]
    return (red >= min_red) & (red >= ANNOTATION_REDNESS * np.maximum(blue, green) + 10)


def _annotation_red(thumb: np.ndarray) -> np.ndarray:
    """On a dark screen, annotations are no content of the device's (an off screen stays black,
    a logo stays a logo)."""
    if thumb.ndim != 3:
        return np.zeros(thumb.shape[:2], bool)
    return annotation_red(thumb)


def _without_surround(mask: np.ndarray) -> np.ndarray:
    """``mask`` without the content that lies along the thumbnail's edge and nowhere else: what
    surrounds a dark screen (the desk behind a tablet's bezel, the corners outside its rounded
    frame, a viewer's margin) is not on the screen."""
    height, width = mask.shape
    band = max(1, round(SURROUND_BAND * min(height, width)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    kept = mask.copy()
    for index in range(1, count):
        x, y, w, h = stats[index, :4]
        touches = x == 0 or y == 0 or x + w == width or y + h == height
        if not touches:
            continue
        inside = labels[band : height - band, band : width - band] == index
        if not inside.any():
            kept[labels == index] = False
    return kept


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
    if dark:
        mask = _without_surround(mask & ~_annotation_red(thumb))
    if mask.mean() <= NEGLIGIBLE_CONTENT:
        return "black" if dark else "uniform"
    if dark and _looks_like_firmware_logo(mask):
        return "firmware"
    if _looks_like_no_signal_card(mask):
        return "no-signal"
    return None


def dark_share(thumb: np.ndarray) -> float:
    """Share of a ``blank_thumbnail``'s pixels dark in every channel."""
    pixels = thumb.reshape(thumb.shape[0], thumb.shape[1], -1)
    return float((_channel_max(pixels) < DARK_LEVEL).mean())


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
    return blank_kind_of_thumbnail(blank_thumbnail(img))
