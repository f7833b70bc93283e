"""A frame's signature: the small picture that change detection compares instead of the frame.

The signature is a grid of cell averages: grey cells of ``CELL_SIDE`` x ``CELL_SIDE`` source
pixels (1080p -> 240 x 135) and colour cells ``COLOUR_FACTOR`` times larger each way. Capture
noise and JPEG artefacts average out inside a cell, while a changed word, a moved selection or a
recoloured banner still moves at least one cell by many grey levels. Colour is kept: a red and a
green screen of equal brightness must never look the same. Measurements: docs/vision-frames.md.

Cost is what matters here: every captured frame goes through it, four a second for hours. Only
every other row is read (``frame[::2]`` is a view, no copy): a cell then averages 4 x 8 = 32
samples, and nothing on a screen of the flow changes in a single 1 px row. The reduction is done
by OpenCV's exact 2 x 2 INTER_AREA halving (its fast SIMD path) into buffers kept between calls,
so no large array is allocated per frame, then one exact 2 x 1 step (INTER_LINEAR at exactly
half the size is the mean of two pixels, and much faster than INTER_AREA's general path).
Measured at 1080p on this shared machine: 0.6-0.9 ms, against 4.5 ms for one full-frame
INTER_AREA resize (docs/benchmarks.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

CELL_SIDE = 8
"""Source pixels across (and down) one grey cell."""
COLOUR_HALVINGS = 2
COLOUR_FACTOR = 2**COLOUR_HALVINGS
"""Grey cells across (and down) one colour cell (4). Colour is compared on a coarser grid because
JPEG keeps colour at half resolution (4:2:0) and smears it around edges; the hue changes that
matter (a red vs a green screen, a recoloured banner or result) are large."""
COLOUR_WEIGHT_SHIFT = 1
"""Colour differences count half (>> 1) against grey ones: around white text on a coloured page,
JPEG's subsampled colour overshoots and is clipped, which moves a coarse cell's mean colour by up
to 11 levels (JPEG-50) while its grey moves by 8. The colour changes that matter are ten times
that (a red vs a green screen: 180)."""


@dataclass(frozen=True)
class Signature:
    """A frame reduced to what change detection compares."""

    grey: np.ndarray
    """uint8 (rows, cols): mean grey of each cell."""
    colour: np.ndarray
    """uint8 (rows / 4, cols / 4, channels): mean colour of each coarse cell."""
    frame_shape: tuple[int, ...]
    """The source frame's shape: frames of different sizes never compare equal."""


def grid_size(frame_shape: tuple[int, ...]) -> tuple[int, int]:
    """(rows, cols) of the grey cell grid of a frame of this shape."""
    height, width = frame_shape[:2]
    return max(1, round(height / CELL_SIDE)), max(1, round(width / CELL_SIDE))


class SignatureMaker:
    """Computes signatures, reusing its reduction buffers between frames of one size.

    One per detector: the buffers are never shared between threads or runs."""

    def __init__(self) -> None:
        self._buffers: dict[tuple[int, ...], list[np.ndarray]] = {}

    def __call__(self, image: np.ndarray) -> Signature:
        return self._from_cells(self._reduce(image), image.shape)

    def of_reduced(
        self, reduced: np.ndarray, scale: int, frame_shape: tuple[int, ...]
    ) -> Signature:
        """The signature of a frame of ``frame_shape`` from its picture at 1/``scale`` (a JPEG
        decoded with DCT scaling: at 1/8 each pixel is the mean of an 8 x 8 block, the grey cell
        itself), so the full picture need not be decoded to compare it."""
        rows, cols = grid_size(frame_shape)
        cells = reduced
        factor = scale
        while factor < CELL_SIDE and cells.shape[0] >= 2 * rows and cells.shape[1] >= 2 * cols:
            cells = _halve(cells)
            factor *= 2
        if cells.shape[:2] != (rows, cols):
            # DCT scaling rounds partial blocks up (1050 lines -> 132 rows, the grid has 131).
            cells = cv2.resize(cells, (cols, rows), interpolation=cv2.INTER_AREA)
        return self._from_cells(cells, frame_shape)

    def _from_cells(self, small: np.ndarray, frame_shape: tuple[int, ...]) -> Signature:
        if small.ndim == 2:
            grey = small
        else:
            code = cv2.COLOR_BGRA2GRAY if small.shape[2] == 4 else cv2.COLOR_BGR2GRAY
            grey = cv2.cvtColor(small, code)
        colour = small
        for _ in range(COLOUR_HALVINGS):
            colour = _halve(colour)
        if colour.ndim == 2:
            colour = colour[..., None]
        # Copies: the reference signature outlives the buffers' next use.
        return Signature(grey.copy(), colour.copy(), tuple(frame_shape))

    def _reduce(self, image: np.ndarray) -> np.ndarray:
        """The frame as cell averages: every other row, exact halvings, one exact final step."""
        rows, cols = grid_size(image.shape)
        height = image.shape[0]
        # Rows 0, 2, 4, ... as a view; an odd last row is dropped so every halving is exact.
        sampled = image[: height - height % 2 : 2] if height >= 4 * rows else image
        steps = self._buffers.get(image.shape)
        if steps is None:
            steps = self._buffers[image.shape] = _halving_buffers(sampled, cols, rows)
        current = sampled
        for buffer in steps:
            cv2.resize(current, buffer.shape[1::-1], dst=buffer, interpolation=cv2.INTER_AREA)
            current = buffer
        if current.shape[:2] != (rows, cols):
            exact = current.shape[0] in (rows, 2 * rows) and current.shape[1] in (cols, 2 * cols)
            method = cv2.INTER_LINEAR if exact else cv2.INTER_AREA
            current = cv2.resize(current, (cols, rows), interpolation=method)
        return current


def _halve(image: np.ndarray) -> np.ndarray:
    """Half the size (at least 1 x 1); INTER_LINEAR at half size averages 2 x 2 pixels."""
    height, width = image.shape[:2]
    size = (max(1, width // 2), max(1, height // 2))
    return cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)


def _halving_buffers(sampled: np.ndarray, cols: int, rows: int) -> list[np.ndarray]:
    """Output buffers of the exact 2 x 2 halvings that keep the image at least the cell grid.

    Only exact halvings (even sides) take OpenCV's fast path; the remainder is left to the one
    final resize, on an image already small."""
    buffers = []
    height, width = sampled.shape[:2]
    while height % 2 == 0 and width % 2 == 0 and height >= 2 * rows and width >= 2 * cols:
        height, width = height // 2, width // 2
        buffers.append(np.empty((height, width, *sampled.shape[2:]), sampled.dtype))
    return buffers


def difference_grid(a: Signature, b: Signature) -> np.ndarray | None:
    """Per grey cell, how much two signatures differ (uint8, 0-255): the grey difference or, if
    larger, half the largest colour channel difference of the coarse cell it lies in. None when the
    frames have different sizes (a mode change)."""
    if a.frame_shape != b.frame_shape:
        return None
    grey = cv2.absdiff(a.grey, b.grey)
    colour = cv2.absdiff(a.colour, b.colour)
    colour = np.right_shift(colour.max(axis=2) if colour.ndim == 3 else colour, COLOUR_WEIGHT_SHIFT)
    if colour.max() == 0:
        return grey
    rows, cols = grey.shape
    spread = cv2.resize(colour, (cols, rows), interpolation=cv2.INTER_NEAREST)
    return np.maximum(grey, spread)


def largest_difference(a: Signature, b: Signature) -> float:
    """The largest cell difference of two signatures (colour counted half), 0-255; 255 for frames
    of different sizes."""
    if a.frame_shape != b.frame_shape:
        return 255.0
    grey = int(cv2.absdiff(a.grey, b.grey).max())
    colour = int(cv2.absdiff(a.colour, b.colour).max()) >> COLOUR_WEIGHT_SHIFT
    return float(max(grey, colour))


def area_resize(img: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``cv2.resize(img, size, INTER_AREA)``, three times faster on large reductions.

    Halves the image with INTER_AREA (OpenCV's fast exact 2 x 2 average) while it stays at least
    twice the target size, then finishes with one INTER_AREA step: the same block averages, up to
    rounding. Used where every pixel must count (blank screens, borders)."""
    width, height = size
    while img.shape[1] >= 2 * width and img.shape[0] >= 2 * height:
        img = cv2.resize(img, (img.shape[1] // 2, img.shape[0] // 2), interpolation=cv2.INTER_AREA)
    if img.shape[1] != width or img.shape[0] != height:
        img = cv2.resize(img, (width, height), interpolation=cv2.INTER_AREA)
    return img


def halved_to(img: np.ndarray, max_width: int) -> np.ndarray:
    """``img`` halved (exact 2 x 2 averages) until it is at most ``max_width`` wide: between half
    and all of ``max_width``, for statistics that do not need one exact size. Unlike
    ``area_resize``, an odd side loses its last pixel (see ``_halved``): right for statistics,
    wrong where a position is mapped back to the frame from the far edge."""
    while img.shape[1] > max_width and img.shape[0] >= 2:
        img = _halved(img)
    return img


def _halved(img: np.ndarray) -> np.ndarray:
    # An odd side loses its last pixel: OpenCV's fast INTER_AREA path takes only an exact factor
    # of 2 (473 -> 236 px takes the general path, several times slower).
    even = img[: img.shape[0] & ~1, : img.shape[1] & ~1]
    return cv2.resize(even, (even.shape[1] // 2, even.shape[0] // 2), interpolation=cv2.INTER_AREA)
