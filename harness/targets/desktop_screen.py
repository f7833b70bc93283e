"""Screenshots of a rectangle of the rig's desktop, as frames.

Pillow's ``ImageGrab`` grabs straight from the X server (XCB, in memory, about 10 ms for
1024x768 on Xvfb) and from the Windows and macOS desktops; ``scrot`` would cost a process and a
PNG round trip per frame (about 60 ms), and pyautogui's own ``screenshot`` on Linux insists on
gnome-screenshot or scrot. So frames come from ``ImageGrab.grab(bbox, xdisplay)``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from harness.errors import NoFrame
from harness.targets.desktop_area import AreaUnavailable, Region
from harness.targets.frame import Frame

Grabber = Callable[[tuple[int, int, int, int], str | None], Any]
"""``grab((left, top, right, bottom), display) -> PIL.Image`` (RGB or RGBA)."""


class DesktopArea(Protocol):
    label: str

    def region(self) -> Region: ...

    def focus(self) -> None: ...


def grab_with_pillow(bbox: tuple[int, int, int, int], display: str | None) -> Any:
    from PIL import ImageGrab

    return ImageGrab.grab(bbox=bbox, xdisplay=display)


class DesktopScreen:
    """Frames of ``area``: one desktop pixel is one frame pixel (no scaling)."""

    def __init__(
        self, area: DesktopArea, *, display: str | None = None, grab: Grabber = grab_with_pillow
    ) -> None:
        self.area = area
        self.display = display
        self._grab = grab
        self.source = f"desktop:{area.label}"

    def grab(self) -> Frame:
        try:
            region = self.area.region()
        except AreaUnavailable as problem:
            raise NoFrame(f"{self.source}: {problem}") from None
        bbox = (region.x, region.y, region.x + region.width, region.y + region.height)
        try:
            picture = self._grab(bbox, self.display)
        except OSError as problem:  # no X server, a region off the screen, a lost connection
            raise NoFrame(f"{self.source}: screenshot of {bbox} failed: {problem}") from None
        rgb = np.asarray(picture.convert("RGB"))
        if rgb.shape[:2] != (region.height, region.width):
            raise NoFrame(
                f"{self.source}: the screenshot is {rgb.shape[1]}x{rgb.shape[0]}, expected "
                f"{region.width}x{region.height} (is the region inside the desktop?)"
            )
        bgr = np.ascontiguousarray(rgb[:, :, ::-1])
        return Frame(image=bgr, timestamp=time.monotonic(), source=self.source)
