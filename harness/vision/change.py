"""Did the picture change? The one change detector of the harness (flow, bundle, video).

Three answers, because the flow needs to tell a frozen capture from a stuck device:

- ``IDENTICAL``: the same picture as the reference (byte-identical or within capture noise with
  nothing moving). Many in a row with no animation is what a frozen capture looks like.
- ``ANIMATED``: only small animated areas moved (the ESP's progress dots, a spinner, a blinking
  cursor): the content is the same, so nothing is re-read, but the device is alive.
- ``CHANGED``: the content changed: classify again. The new picture becomes the reference.

How (figures in docs/vision-frames.md): each frame is reduced to a ``Signature`` (cell averages,
``harness.vision.signature``; 1080p in 0.6-1 ms here) and compared with the reference, the last
CHANGED picture, and with the previous frame. A cell that differs by more than the noise
threshold is a difference; a cell that differs from the previous frame has moved.

- Nothing differs and nothing moved: IDENTICAL. This is the path of a still screen: one
  signature and two comparisons of small grids.
- The differences (not counting cells seen animating, below) form large areas - a blob wider or
  taller than ``BLOB_MAX_SIDE`` of the frame height, more than ``MAX_BLOBS`` blobs, or more than
  ``MAX_CHANGED_SHARE`` of the frame - : CHANGED at once (a new screen, a new status text, a moved
  selection, a new colour).
- Only a few small blobs differ: ANIMATED. Sizes are relative to the frame, no region is fitted
  to any screen. A cell that moved twice within ``ANIMATION_MEMORY`` frames is *animating*
  (progress dots, a spinner, a caret, a mouse pointer passing); its differences are expected.
- A small difference outside animating cells that then stays put for ``SETTLE_FRAMES`` frames
  is content after all (one digit of "Apps (4 of 8 installed)", a pointer parked on a new spot):
  CHANGED. So a real change is never lost for being small, only reported a few frames later,
  and an animation that stops moving for ``ANIMATION_MEMORY`` frames stops hiding its cells.

Because the reference only moves on CHANGED, animation never drifts into a false CHANGED (each
frame is compared with the same reference), and a real change always shows against it.
"""

from __future__ import annotations

import enum
from typing import Protocol

import cv2
import numpy as np

from harness.vision.signature import (
    Signature,
    SignatureMaker,
    difference_grid,
    grid_size,
    largest_difference,
)

NOISE_THRESHOLD = 14
"""Largest cell difference (0-255) still counted as "the same": two captures of one picture
(sensor noise sigma 2-10, JPEG 50-90), or a sharp picture and its JPEG-50 copy, differ by at most
10 in any cell; one changed digit of the ESP's 15 px substep text moves a cell by 22 (1024x768)
to 42 (1080p)."""
BLOB_MAX_SIDE = 0.09
"""Largest side of an animated blob's box, as a share of the frame height (UI scales with it):
97 px at 1080p, room for the OOBE spinner (75 px); a changed status word is wider."""
MAX_BLOBS = 16
"""More separate differences than this are a content change, however small each is (the ESP's
five progress dots, before and after, are ten)."""
MAX_CHANGED_SHARE = 0.01
"""Share of the frame's cells that may differ, all blobs together, in an ANIMATED frame."""
SETTLE_FRAMES = 3
"""Frames in a row that a small difference outside animating cells must stay unmoved to count as
content (CHANGED). A blinking caret is seen moving before that, a real change stays."""
ANIMATION_MEMORY = 40
"""Frames after its last movement that a cell that moved twice still counts as animating (10 s
at 4 frames a second); long enough to span the cycle of dots and blinking carets."""

ANIMATION_REACH = 0.012
"""How far (share of the frame height: 2 cells at 1080p) around a cell seen animating a
difference still counts as that animation."""
THIN_MAX_HEIGHT = 0.015
"""A blob at most this tall (share of the frame height, rounded down: 1 cell at 768 lines, 2 at
1080p, 4 at 4K) is a row of small marks, like the ESP's progress dots (3-4 px at 1080p, spread
over about 100 px) ..."""
THIN_MAX_WIDTH = 0.3
"""... and may be this wide (share of the frame height). A line of text is taller (measured: 2-3
cells at 768 lines, 3-4 at 1080p)."""

_NEVER = -(10**9)
_ROW_BRIDGE = np.ones((1, 3), np.uint8)


class Change(enum.Enum):
    IDENTICAL = "identical"
    ANIMATED = "animated"
    CHANGED = "changed"


class FrameLike(Protocol):
    """What vision needs of a frame (``harness.targets.frame.Frame`` has it)."""

    @property
    def image(self) -> np.ndarray: ...

    @property
    def timestamp(self) -> float: ...


def is_identical(a: np.ndarray, b: np.ndarray) -> bool:
    """Byte-identical pictures: what a frozen capture delivers (a live capture card never does,
    its noise changes every frame; a VM or the simulator does for a still screen). OpenCV's
    NORM_INF compares without allocating: ~0.3 ms at 1080p."""
    if a is b:
        return True
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    return cv2.norm(np.ascontiguousarray(a), np.ascontiguousarray(b), cv2.NORM_INF) == 0


def is_new_frame(previous: FrameLike | None, current: FrameLike) -> bool:
    """A frame the capture has not delivered before: another object with a later timestamp. The
    same frame handed out again, or an older timestamp, is a stalled pipeline, not the device."""
    if previous is None:
        return True
    return current is not previous and current.timestamp > previous.timestamp


class ChangeDetector:
    """Compares each picture with the last one that counted as changed.

    >>> detector = ChangeDetector()
    >>> detector.compare(first)            # Change.CHANGED: the first picture always is
    >>> detector.compare(same_again)       # Change.IDENTICAL
    >>> detector.compare(dots_moved)       # Change.ANIMATED
    >>> detector.compare(new_status_line)  # Change.CHANGED

    Keeps only signatures and small per-cell grids; one per stream of frames (not thread-safe).
    """

    def __init__(self, noise_threshold: float = NOISE_THRESHOLD) -> None:
        self.noise_threshold = noise_threshold
        self._signature = SignatureMaker()
        self.reset()

    def reset(self) -> None:
        """Forget everything: the next picture counts as CHANGED."""
        self._reference: Signature | None = None
        self._before_reference: Signature | None = None
        self._previous: Signature | None = None
        self._frame = 0
        self._last_move = np.empty(0, np.int64)
        self._move_before = np.empty(0, np.int64)
        self._first_move = np.empty(0, np.int64)
        self._reference_frame = 0
        self._unmoved = 0
        self.last_difference = 255.0
        """Largest cell difference from the reference in the last ``compare`` (0-255)."""
        self.settling = False
        """The last picture has a small difference from the reference, outside animating cells,
        that has not stayed put for ``SETTLE_FRAMES`` yet: maybe content, maybe animation."""
        self.last_unchanged_signature = False
        """The last picture's signature equals the previous one's exactly: a hint of byte-identical
        frames (a frozen capture, or a noise-free source); ``is_identical`` tells for sure."""

    def compare(self, image: np.ndarray) -> Change:
        """Compare ``image`` with the reference; CHANGED makes it the new reference."""
        return self.compare_signature(self._signature(image))

    def compare_reduced(
        self, reduced: np.ndarray, scale: int, frame_shape: tuple[int, ...]
    ) -> Change:
        """``compare`` for a frame of ``frame_shape`` given as its picture at 1/``scale`` (a
        JPEG preview decoded at 1/8): the same answers without the full picture."""
        return self.compare_signature(self._signature.of_reduced(reduced, scale, frame_shape))

    def compare_signature(self, current: Signature) -> Change:
        """``compare`` on a signature already made (``SignatureMaker``)."""
        self.settling = False
        reference, previous, self._previous = self._reference, self._previous, current
        self._frame += 1
        if reference is None or previous is None or reference.frame_shape != current.frame_shape:
            self.last_difference = 255.0
            self.last_unchanged_signature = False
            return self._changed(current, None)
        # The still-screen path first: two maxima over small grids, nothing allocated per cell.
        self.last_difference = largest_difference(reference, current)
        movement = largest_difference(previous, current)
        self.last_unchanged_signature = movement == 0
        if self.last_difference <= self.noise_threshold and movement <= self.noise_threshold:
            self._unmoved = 0
            return Change.IDENTICAL
        from_reference = difference_grid(reference, current)
        from_previous = difference_grid(previous, current)
        assert from_reference is not None and from_previous is not None  # same shapes
        moved = from_previous > self.noise_threshold
        differs = from_reference > self.noise_threshold
        holes = self._holes(current) & differs
        # The animation's holes are judged apart: a pointer that moved is its old place and its
        # new one, together larger than either. Holes that are large are a change back.
        judged = differs & ~holes if holes.any() and _small_blobs(holes) else differs
        if not _small_blobs(judged):
            return self._changed(current, previous)
        self._remember_movement(moved)
        content = judged & ~self._recently_moving()
        if not content.any():
            self._unmoved = 0
            return Change.ANIMATED
        self._unmoved = 0 if (moved & content).any() else self._unmoved + 1
        if self._unmoved >= SETTLE_FRAMES:
            return self._changed(current, previous)
        self.settling = True
        return Change.ANIMATED

    def _changed(self, current: Signature, previous: Signature | None) -> Change:
        if self._reference is None or self._reference.frame_shape != current.frame_shape:
            # A new size: the movement history of the old grid means nothing on the new one.
            self._last_move = np.full(grid_size(current.frame_shape), _NEVER, np.int64)
            self._move_before = self._last_move.copy()
        self._first_move = np.full(self._last_move.shape, _NEVER, np.int64)
        self._reference = current
        self._before_reference = previous
        self._reference_frame = self._frame
        self._unmoved = 0
        return Change.CHANGED

    def _recently_moving(self) -> np.ndarray:
        """Cells that moved twice within ANIMATION_MEMORY frames, and their close neighbours."""
        recent = (self._frame - self._move_before) <= ANIMATION_MEMORY
        reach = max(1, round(ANIMATION_REACH * recent.shape[0]))
        kernel = np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)
        return cv2.dilate(recent.view(np.uint8), kernel).view(bool)

    def _holes(self, current: Signature) -> np.ndarray:
        """Where the reference caught an animation mid-way: its dots (its pointer) leave holes
        where they were, which stay put until a dot passes there again. A hole looks like the
        frame before the reference; for the first reference of a stream (no frame before it),
        cells that left it within SETTLE_FRAMES frames count (so a small change in the first
        frames of a stream waits for the next CHANGED)."""
        before = self._before_reference
        if before is not None:
            like_before = difference_grid(before, current)
            if like_before is not None:
                return like_before <= self.noise_threshold
        early = (self._first_move - self._reference_frame) <= SETTLE_FRAMES
        return early & (self._first_move != _NEVER)

    def _remember_movement(self, moved: np.ndarray) -> None:
        # History survives a CHANGED on purpose: a spinner keeps spinning across a status change,
        # and forgetting it would make its next movement look like content again.
        self._move_before[moved] = self._last_move[moved]
        self._last_move[moved] = self._frame
        self._first_move[moved & (self._first_move == _NEVER)] = self._frame


def _small_blobs(mask: np.ndarray) -> bool:
    """True when the marked cells form a few blobs, each small relative to the frame."""
    if mask.mean() > MAX_CHANGED_SHARE:
        return False
    # Bridge gaps of up to two cells along a row: the cells of a changed word are not all above
    # the threshold (where old and new glyphs overlap), and the word must stay one blob.
    joined = cv2.dilate(mask.view(np.uint8), _ROW_BRIDGE)
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    if count - 1 > MAX_BLOBS:
        return False
    rows = mask.shape[0]  # cells are square: a share of the frame height is a share of the rows
    max_side = max(1, round(BLOB_MAX_SIDE * rows))
    thin = max(1, int(THIN_MAX_HEIGHT * rows))
    thin_width = max(1, round(THIN_MAX_WIDTH * rows))
    widths, heights = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    compact = (widths <= max_side) & (heights <= max_side)
    row_of_dots = (heights <= thin) & (widths <= thin_width)
    return bool((compact | row_of_dots).all())
