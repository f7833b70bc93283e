"""A dark picture inside a viewer window's chrome (a VM console's title bar and border).

Bars and bezels are dark (``picture_area``); a viewer window's chrome is not: a grey or light
title bar with the window's name, a thin border. Around a coloured screen it is harmless, but
around a black screen it is the only "content", so the black screen would not be blank. The
chrome is told from content by where it is and what it is made of: strips at the frame's edges,
each at most a small share of the frame, whose rows (columns) are mostly not dark, around a
picture whose edge rows (columns) are all dark. A command prompt's first line is dark around its
letters, so it is no chrome.
"""

from __future__ import annotations

import cv2
import numpy as np

from harness.vision.blank import DARK_LEVEL
from harness.vision.text_lines import Box

_DARK_ROW = 0.97
"""A row of the dark picture: this share of its pixels dark."""
_CHROME_ROW = 0.5
"""A row of chrome: less than this share dark."""
_MAX_STRIP = 0.12
"""A strip of chrome is at most this share of the frame's height (width)."""
_MIN_CHROME = 0.6
"""... and this share of its rows (columns) are chrome (anti-aliased edges are neither)."""


def dark_inside_chrome(image_bgr: np.ndarray) -> Box | None:
    """The dark picture inside chrome strips at the edges, or None (no chrome, not dark)."""
    blue, green, red = cv2.split(image_bgr)
    dark = cv2.max(cv2.max(blue, green), red) <= DARK_LEVEL
    rows = _inner_run(dark.mean(axis=1))
    if rows is None:
        return None
    top, bottom = rows
    columns = _inner_run(dark[top:bottom].mean(axis=0))
    if columns is None:
        return None
    left, right = columns
    height, width = dark.shape
    if (top, bottom, left, right) == (0, height, 0, width):
        return None  # no chrome at all: the plain blank test has said what it is
    return (left, top, right - left, bottom - top)


def _inner_run(share: np.ndarray) -> tuple[int, int] | None:
    """[first, last + 1) of the dark rows when everything outside them is chrome strips."""
    dark = np.flatnonzero(share >= _DARK_ROW)
    if dark.size == 0:
        return None
    first, last = int(dark[0]), int(dark[-1]) + 1
    limit = _MAX_STRIP * len(share)
    for strip in (share[:first], share[last:]):
        if len(strip) > limit or (len(strip) and (strip < _CHROME_ROW).mean() < _MIN_CHROME):
            return None
    return first, last
