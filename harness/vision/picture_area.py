"""Find the active picture inside a captured frame: HDMI grabbers add black bars (letterbox,
pillarbox) and photos of a screen add a dark bezel. Text and colours are searched inside this
area, so bars and bezels are neither."""

from __future__ import annotations

import cv2
import numpy as np

Box = tuple[int, int, int, int]

_WORK_WIDTH = 640
_BORDER_MAX_VALUE = 48  # darker than this and nearly grey: bar or bezel, not screen content
_BORDER_MAX_CHROMA = 28
_BORDER_ROW_SHARE = 0.95
_MIN_SHARE_OF_FRAME = 0.45  # smaller "pictures" are content (a logo on black), not bars


def find_picture_area(image_bgr: np.ndarray) -> Box:
    """(x, y, width, height) of the active picture; the whole frame when no border is found."""
    height, width = image_bgr.shape[:2]
    scale = min(1.0, _WORK_WIDTH / width)
    small = cv2.resize(image_bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    blue, green, red = cv2.split(small)  # cv2's per-channel max/min: numpy's axis=2 is slow
    high = cv2.max(cv2.max(blue, green), red)
    low = cv2.min(cv2.min(blue, green), red)
    border = (high <= _BORDER_MAX_VALUE) & (cv2.subtract(high, low) <= _BORDER_MAX_CHROMA)
    if border.mean() > 0.97:  # a black frame: nothing to crop to
        return (0, 0, width, height)
    rows = np.flatnonzero(border.mean(axis=1) < _BORDER_ROW_SHARE)
    if rows.size == 0:
        return (0, 0, width, height)
    top, bottom = int(rows[0]), int(rows[-1]) + 1
    columns = np.flatnonzero(border[top:bottom].mean(axis=0) < _BORDER_ROW_SHARE)
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


def crop(image_bgr: np.ndarray, box: Box) -> np.ndarray:
    x, y, w, h = box
    return image_bgr[y : y + h, x : x + w]
