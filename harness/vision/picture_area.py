"""Find the active picture inside a captured frame: HDMI grabbers add black bars (letterbox,
pillarbox) and photos of a screen add a dark bezel. Text and colours are searched inside this
area, so bars and bezels are neither."""

from __future__ import annotations

import cv2
import numpy as np

from harness.vision.signature import halved_to

Box = tuple[int, int, int, int]

_WORK_WIDTH = 1024  # wider pictures are halved until they are not: exact halvings are cheap
_BORDER_MAX_VALUE = 48  # darker than this and nearly grey: bar or bezel, not screen content
_BORDER_MAX_CHROMA = 28
_BORDER_ROW_SHARE = 0.95
_MIN_SHARE_OF_FRAME = 0.45  # smaller "pictures" are content (a logo on black), not bars


def find_picture_area(image_bgr: np.ndarray) -> Box:
    """(x, y, width, height) of the active picture; the whole frame when no border is found."""
    height, width = image_bgr.shape[:2]
    small = halved_to(image_bgr, _WORK_WIDTH)
    scale = small.shape[1] / width
    border = _border_mask(small)
    row_share = cv2.reduce(border, 1, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel() / 255.0
    if row_share.mean() > 0.97:  # a black frame: nothing to crop to
        return (0, 0, width, height)
    rows = np.flatnonzero(row_share < _BORDER_ROW_SHARE)
    if rows.size == 0:
        return (0, 0, width, height)
    top, bottom = int(rows[0]), int(rows[-1]) + 1
    column_share = cv2.reduce(border[top:bottom], 0, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel()
    columns = np.flatnonzero(column_share / 255.0 < _BORDER_ROW_SHARE)
    left, right = int(columns[0]), int(columns[-1]) + 1
    box_w = (right - left) / scale
    box_h = (bottom - top) / scale
    if box_w < width * _MIN_SHARE_OF_FRAME or box_h < height * _MIN_SHARE_OF_FRAME:
        return (0, 0, width, height)
    x = round(left / scale)
    y = round(top / scale)
    w = min(width - x, round(box_w))
    h = min(height - y, round(box_h))
    return (x, y, w, h)


def _border_mask(image_bgr: np.ndarray) -> np.ndarray:
    """255 where a pixel is dark and nearly grey (bar or bezel), else 0."""
    blue, green, red = cv2.split(image_bgr)  # cv2's per-channel max/min: numpy's axis=2 is slow
    high = cv2.max(cv2.max(blue, green), red)
    low = cv2.min(cv2.min(blue, green), red)
    dark = cv2.compare(high, _BORDER_MAX_VALUE, cv2.CMP_LE)
    grey = cv2.compare(cv2.subtract(high, low), _BORDER_MAX_CHROMA, cv2.CMP_LE)
    return cv2.bitwise_and(dark, grey)


def crop(image_bgr: np.ndarray, box: Box) -> np.ndarray:
    x, y, w, h = box
    return image_bgr[y : y + h, x : x + w]
