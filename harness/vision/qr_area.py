"""Where a QR code sits on a page, from its three finder patterns (without decoding it).

The modules of a QR code make dozens of "text lines" of every size; reading them wastes OCR
calls and their debris lands in values. The square spanned by three finder patterns in an L
(``qr_presence``) is where the code is, decoded or not (a blurred thumbnail's code often is
not): lines whose centre lies there are no text. About 3 ms on the page's reduced copy.
"""

from __future__ import annotations

import cv2
import numpy as np

from harness.vision.observation import QrResult
from harness.vision.page import Page
from harness.vision.qr import decode_qr
from harness.vision.qr_presence import Pattern, finder_patterns, qr_corner
from harness.vision.text_lines import Box, TextLine

_QUIET_MODULES = 1.5
"""Margin beyond the finder patterns' outer edges, in modules (7 per pattern side)."""


def qr_square(patterns: list[Pattern]) -> tuple[float, ...] | None:
    """(x0, y0, x1, y1) spanned by three patterns of one size at the corners of an L."""
    found = qr_corner(patterns)
    if found is None:
        return None
    corner, first, second = found
    fourth = (first[0] + second[0] - corner[0], first[1] + second[1] - corner[1])
    xs = [corner[0], first[0], second[0], fourth[0]]
    ys = [corner[1], first[1], second[1], fourth[1]]
    side = (corner[2] + first[2] + second[2]) / 3
    margin = side / 2 + _QUIET_MODULES * side / 7
    return (min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin)


def page_qr_area(page: Page) -> Box | None:
    """The QR code's square in frame pixels, or None (computed once per page)."""
    if "qr_area" not in page.extras:
        small = page.small if page.small is not None else page.image
        scale = page.scale if page.small is not None else 1.0
        page.extras["qr_area"] = qr_area_of(small, scale)
    result = page.extras["qr_area"]
    return result if isinstance(result, tuple) else None


def page_qr_result(page: Page) -> QrResult:
    """The page's QR code decoded (once per page), its located square read first."""
    if not isinstance(page.extras.get("qr"), QrResult):
        page.extras["qr"] = decode_qr(page.image, located=page_qr_area(page))
    result = page.extras["qr"]
    assert isinstance(result, QrResult)
    return result


def qr_area_of(
    small_bgr: np.ndarray, scale: float, small_grey: np.ndarray | None = None
) -> Box | None:
    """The QR code's square in frame pixels, from a copy of the frame reduced by ``scale``
    (and that copy in grey, when made already)."""
    grey = cv2.cvtColor(small_bgr, cv2.COLOR_BGR2GRAY) if small_grey is None else small_grey
    square = qr_square(finder_patterns(grey))
    if square is None:
        return None
    x0, y0, x1, y1 = (value / scale for value in square)
    return (round(x0), round(y0), round(x1 - x0), round(y1 - y0))


def on_qr(line: TextLine, area: Box | None) -> bool:
    """Whether ``line``'s centre lies on the QR code."""
    if area is None:
        return False
    x, y, w, h = area
    cx, cy = line.x + line.box[2] / 2, line.centre_y
    return x <= cx <= x + w and y <= cy <= y + h
