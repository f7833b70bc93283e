"""Keys and clicks on the rig's desktop through pyautogui, paced for VM and KVM viewers.

pyautogui is imported on first use, not with this module: on X11 it opens the display named by
``$DISPLAY`` while it is being imported, and stays bound to that display for the whole process.
``load_pyautogui(display)`` therefore sets ``DISPLAY`` only for the import, and refuses a second,
different display later in the same process.

pyautogui's 0.1 s pause after every call is switched off per call (``_pause=False``), not
globally, so no process-wide setting changes: the backend paces keys itself. pyautogui's
fail-safe stays on: a person who moves the mouse into a screen corner stops the run
(``Interrupted``), which is what an operator at the rig expects.

pyautogui also ignores key names it does not know without a word; every name is checked against
``pyautogui.KEY_NAMES`` first, so a missing one is a ``KeyNotAccepted``, never a silently lost key.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from harness.errors import ConnectionLost, Interrupted, KeyNotAccepted, UsageError
from harness.keys import Key
from harness.targets.desktop_area import AreaUnavailable
from harness.targets.desktop_screen import DesktopArea
from harness.targets.protocols import DEFAULT_HOLD_S

GuiLoader = Callable[[], Any]
"""Returns the pyautogui module (or a stand-in with the same functions, in tests)."""

_import_lock = threading.Lock()


def load_pyautogui(display: str | None) -> Any:
    """pyautogui, bound to ``display`` (``:0``) or to ``$DISPLAY`` when ``display`` is None."""
    with _import_lock:
        already = sys.modules.get("pyautogui")
        if already is not None:
            _check_bound_display(already, display)
            return already
        saved = os.environ.get("DISPLAY")
        if display:
            os.environ["DISPLAY"] = display
        try:
            pyautogui, failure = _import_quietly()
        finally:
            if display:
                _restore_display(saved)
        if isinstance(failure, ImportError):
            raise UsageError(
                f"pyautogui is not installed ({failure}): pip install 'autopilot-harness[desktop]'"
            )
        if failure is not None:  # Xlib raises its own errors when the display is unusable
            raise ConnectionLost(
                f"pyautogui cannot open display {display or saved!r}: {failure} "
                "(is the X server running, and does XAUTHORITY name an existing file?)"
            )
        return pyautogui


def _import_quietly() -> tuple[Any, Exception | None]:
    """``import pyautogui`` without its own leaks' warnings: (the module, None) or (None, what
    went wrong, without its traceback).

    Its import leaves files and sockets to the collector (pyscreeze's ``which`` pipes,
    python-xlib's Xauthority file, the socket of a connect that failed, held by the failed
    import's frames); their ResourceWarnings are the libraries', not the caller's, and would
    otherwise surface later, attributed to whatever runs when the collector does. They are
    collected here, unheard.
    """
    failure: Exception | None = None
    module: Any = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            import pyautogui as module
        except Exception as problem:
            # A copy without traceback or context: the frames that hold the leaks can go.
            kind = ImportError if isinstance(problem, ImportError) else RuntimeError
            failure = kind(str(problem))
        gc.collect()
    # pyscreeze keeps its finished `which scrot` process as a module global, pipes open.
    which = getattr(sys.modules.get("pyscreeze"), "whichProc", None)
    for stream in (getattr(which, "stdout", None), getattr(which, "stderr", None)):
        if stream is not None:
            stream.close()
    return module, failure


def _restore_display(saved: str | None) -> None:
    if saved is None:
        os.environ.pop("DISPLAY", None)
    else:
        os.environ["DISPLAY"] = saved


def _check_bound_display(gui: Any, display: str | None) -> None:
    x11 = getattr(gui, "platformModule", None)
    bound = getattr(getattr(x11, "_display", None), "get_display_name", None)
    if display and bound is not None and bound() != display:
        raise UsageError(
            f"pyautogui is already bound to display {bound()!r} in this process; it cannot "
            f"also drive {display!r} (run one desktop device per process)"
        )


class DesktopKeyboard:
    """Key presses with pyautogui: down in order, hold, up in reverse, then ``pacing_s``.

    ``hold_s`` (when set) replaces the hold the flow asks for: some viewers drop keys that are
    shorter than their own polling interval. ``focus_area`` gives the viewer window the focus
    before each key, because the harness's own terminal or a dialog may have taken it.
    """

    def __init__(
        self,
        gui: GuiLoader,
        area: DesktopArea,
        *,
        hold_s: float | None = None,
        pacing_s: float = 0.05,
        focus_area: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._gui = gui
        self.area = area
        self.hold_s = hold_s
        self.pacing_s = pacing_s
        self.focus_area = focus_area
        self._sleep = sleep

    def press(self, key: Key, hold_s: float = DEFAULT_HOLD_S) -> None:
        self.chord([key], hold_s)

    def chord(self, keys: Sequence[Key], hold_s: float = DEFAULT_HOLD_S) -> None:
        if not keys:
            return
        gui = self._gui()
        names = [self._name(gui, key) for key in keys]  # all checked before any goes down
        if self.focus_area:
            try:
                self.area.focus()
            except AreaUnavailable as problem:
                raise KeyNotAccepted(f"desktop {self.area.label}: {problem}") from None
        down: list[str] = []
        try:
            for name in names:
                gui.keyDown(name, _pause=False)
                down.append(name)
            self._sleep(self.hold_s if self.hold_s is not None else hold_s)
        except Exception as problem:
            raise _input_error(gui, problem, "+".join(names)) from None
        finally:
            self._release(gui, down)
        self._sleep(self.pacing_s)

    def _release(self, gui: Any, down: list[str]) -> None:
        for name in reversed(down):
            try:
                gui.keyUp(name, _pause=False)
            except Exception as problem:
                raise _input_error(gui, problem, name) from None

    @staticmethod
    def _name(gui: Any, key: Key) -> str:
        # pyautogui silently ignores a name it does not know: check, or a key is lost unseen.
        if key.pyautogui not in gui.KEY_NAMES:
            raise KeyNotAccepted(f"pyautogui has no key named {key.pyautogui!r} ({key.name})")
        return key.pyautogui


class DesktopPointer:
    """Left click at frame coordinates: the area's top-left corner is frame (0, 0)."""

    def __init__(self, gui: GuiLoader, area: DesktopArea) -> None:
        self._gui = gui
        self.area = area

    def click(self, x: int, y: int) -> None:
        try:
            region = self.area.region()
        except AreaUnavailable as problem:
            raise KeyNotAccepted(f"desktop {self.area.label}: {problem}") from None
        try:
            desktop_x, desktop_y = region.to_desktop(x, y)
        except ValueError as problem:
            raise UsageError(f"click on desktop {self.area.label}: {problem}") from None
        gui = self._gui()
        try:
            gui.click(desktop_x, desktop_y, _pause=False)
        except Exception as problem:
            raise _input_error(gui, problem, f"click at ({x}, {y})") from None


def _input_error(gui: Any, problem: Exception, what: str) -> Exception:
    fail_safe = getattr(gui, "FailSafeException", None)
    if fail_safe is not None and isinstance(problem, fail_safe):
        return Interrupted(
            f"pyautogui fail-safe: the mouse pointer is in a corner of the screen ({what} "
            "not sent); someone at the rig stopped the run"
        )
    if isinstance(problem, KeyNotAccepted | Interrupted):
        return problem
    return KeyNotAccepted(f"pyautogui could not send {what}: {problem!r}")
