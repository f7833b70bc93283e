"""Where on the rig's desktop the device's screen is: a fixed region, or a viewer window by title.

Both kinds answer ``region()`` (the rectangle to grab, in desktop pixels) and ``focus()`` (make
the keys go there). A window is found with ``xdotool`` (X11 only, argv lists, no shell): VM
viewers move, get resized and are re-opened, so the window is looked up again when it vanishes
and its geometry is refreshed at most every ``GEOMETRY_REFRESH_S``.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

GEOMETRY_REFRESH_S = 1.0
"""A moved or resized viewer window is picked up within this many seconds."""

_XDOTOOL_TIMEOUT_S = 5.0


class AreaUnavailable(Exception):
    """The area cannot be located now (no window with that title, xdotool failed)."""


@dataclass(frozen=True)
class Region:
    """A rectangle on the desktop: the top-left corner and the size, in desktop pixels."""

    x: int
    y: int
    width: int
    height: int

    def to_desktop(self, x: int, y: int) -> tuple[int, int]:
        """Frame coordinates (0,0 is the frame's top-left pixel) -> desktop coordinates."""
        if not (0 <= x < self.width and 0 <= y < self.height):
            raise ValueError(f"({x}, {y}) is outside the {self.width}x{self.height} frame")
        return self.x + x, self.y + y

    def inset(self, left: int, top: int, right: int, bottom: int) -> Region:
        width, height = self.width - left - right, self.height - top - bottom
        if width < 1 or height < 1:
            raise ValueError(
                f"the inset ({left}, {top}, {right}, {bottom}) leaves nothing of a "
                f"{self.width}x{self.height} window"
            )
        return Region(self.x + left, self.y + top, width, height)


class FixedRegion:
    """A rectangle configured once (a viewer window that a person placed there)."""

    def __init__(self, region: Region) -> None:
        self._region = region
        self.label = f"region {region.x},{region.y} {region.width}x{region.height}"

    def region(self) -> Region:
        return self._region

    def focus(self) -> None:
        """Nothing to do: the keys go wherever the desktop's focus is."""


Runner = Callable[[Sequence[str]], str]
"""Runs an argv list and returns its standard output; raises ``AreaUnavailable`` on failure."""


class TitledWindow:
    """A window found by its title (``xdotool search --onlyvisible --name``, a regular expression).

    ``inset`` (left, top, right, bottom) trims a viewer's own toolbar and borders off the frame.
    """

    def __init__(
        self,
        title: str,
        *,
        display: str | None = None,
        inset: tuple[int, int, int, int] = (0, 0, 0, 0),
        run: Runner | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.title = title
        self.inset = inset
        self.label = f"window {title!r}"
        self._run = run or _XdotoolRunner(display)
        self._clock = clock
        self._window_id: str | None = None
        self._region: Region | None = None
        self._checked_at = 0.0
        self._activate_works = True

    def region(self) -> Region:
        now = self._clock()
        if self._region is None or now - self._checked_at >= GEOMETRY_REFRESH_S:
            self._region = self._locate()
            self._checked_at = now
        return self._region

    def focus(self) -> None:
        """Give the window the keyboard focus: ``windowactivate`` under a window manager that
        supports it (it also raises the window), ``windowfocus`` on a bare X server."""
        window_id = self._find() if self._window_id is None else self._window_id
        if self._activate_works:
            try:
                self._run(["windowactivate", "--sync", window_id])
                return
            except AreaUnavailable:
                # No window manager (or one without _NET_ACTIVE_WINDOW): set the focus directly.
                self._activate_works = False
        try:
            self._run(["windowfocus", "--sync", window_id])
        except AreaUnavailable:
            self._window_id = None  # gone: look it up again next time
            raise

    def _locate(self) -> Region:
        if self._window_id is not None:
            try:
                return self._geometry(self._window_id)
            except AreaUnavailable:
                self._window_id = None  # closed and perhaps re-opened under a new id
        return self._geometry(self._find())

    def _find(self) -> str:
        found = self._run(["search", "--onlyvisible", "--name", self.title]).split()
        if not found:
            raise AreaUnavailable(f"no visible window whose title matches {self.title!r}")
        self._window_id = found[0]
        return found[0]

    def _geometry(self, window_id: str) -> Region:
        values: dict[str, int] = {}
        for line in self._run(["getwindowgeometry", "--shell", window_id]).splitlines():
            name, _, value = line.partition("=")
            if name in ("X", "Y", "WIDTH", "HEIGHT") and value.lstrip("-").isdigit():
                values[name] = int(value)
        if len(values) != 4:
            raise AreaUnavailable(f"xdotool gave no geometry for window {window_id}")
        whole = Region(values["X"], values["Y"], values["WIDTH"], values["HEIGHT"])
        try:
            return whole.inset(*self.inset)
        except ValueError as problem:
            raise AreaUnavailable(f"{self.label}: {problem}") from None


class _XdotoolRunner:
    def __init__(self, display: str | None) -> None:
        self.display = display

    def __call__(self, args: Sequence[str]) -> str:
        env = dict(os.environ)
        if self.display:
            env["DISPLAY"] = self.display
        try:
            done = subprocess.run(
                ["xdotool", *args],
                capture_output=True,
                text=True,
                env=env,
                timeout=_XDOTOOL_TIMEOUT_S,
                check=False,
            )
        except FileNotFoundError:
            raise AreaUnavailable(
                "xdotool is not installed (Debian package xdotool); it finds windows by title"
            ) from None
        except subprocess.TimeoutExpired:
            raise AreaUnavailable(f"xdotool {args[0]} did not answer within 5 s") from None
        if done.returncode == 1 and args[0] == "search" and not done.stdout.strip():
            return ""  # xdotool's answer to a search that found nothing
        if done.returncode != 0:
            detail = done.stderr.strip().splitlines()
            raise AreaUnavailable(
                f"xdotool {args[0]} failed ({done.returncode}): {detail[-1] if detail else ''}"
            )
        return done.stdout
