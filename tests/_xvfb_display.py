"""Start a private Xvfb display for the desktop tests, with a real X authority cookie.

``xvfb_display`` is a session fixture (``from tests._xvfb_display import xvfb_display``): pyautogui
binds to one display per process, so every desktop test of a session shares one X server. The
server runs as a child of the test process and is stopped by its PID. The cookie is written with
``xauth -f FILE source -`` (commands on stdin, so it never shows on a command line) and Xvfb is
started with ``-auth FILE``: clients must present it, as on a real desktop. ``XAUTHORITY`` is set
for the session, because Xlib (pyautogui), XCB (Pillow) and xdotool all read it; an unset or
missing XAUTHORITY is the classic reason pyautogui fails to import under Xvfb.
"""

from __future__ import annotations

import contextlib
import importlib.util
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests._processes import stop
from tests.e2e_required import missing_component

SCREEN = "1280x900x24"
_FIRST_DISPLAY = 90
_LAST_DISPLAY = 190
_START_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class XDisplay:
    name: str
    """``:93``"""
    xauthority: Path

    def env(self) -> dict[str, str]:
        return {"DISPLAY": self.name, "XAUTHORITY": str(self.xauthority)}


def _missing_tools() -> list[str]:
    missing = [tool for tool in ("Xvfb", "xauth", "xdotool") if shutil.which(tool) is None]
    if importlib.util.find_spec("pyautogui") is None:
        missing.append("pyautogui (pip install 'autopilot-harness[desktop]')")
    return missing


def _free_numbers() -> Iterator[int]:
    for number in range(_FIRST_DISPLAY, _LAST_DISPLAY):
        in_use = (
            Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists()
        )
        if not in_use:
            yield number


def _write_cookie(path: Path, display: str) -> None:
    path.touch()
    subprocess.run(
        ["xauth", "-q", "-f", str(path), "source", "-"],
        input=f"add {display} . {secrets.token_hex(16)}\n".encode(),
        check=True,
        timeout=10,
    )


def _start(number: int, xauthority: Path) -> subprocess.Popen[bytes] | None:
    """Xvfb on ``:number``, or None when it exited (the number was taken meanwhile)."""
    display = f":{number}"
    _write_cookie(xauthority, display)
    process = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", SCREEN, "-nolisten", "tcp", "-auth", str(xauthority)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket = Path(f"/tmp/.X11-unix/X{number}")
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        if socket.exists():
            return process
        time.sleep(0.05)
    stop(process)
    return None


@pytest.fixture(scope="session")
def xvfb_display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[XDisplay]:
    missing = _missing_tools()
    if missing:
        missing_component(f"desktop tests need {', '.join(missing)}")
    xauthority = tmp_path_factory.mktemp("xvfb") / "Xauthority"
    for number in _free_numbers():
        process = _start(number, xauthority)
        if process is not None:
            break
    else:
        pytest.fail(f"no Xvfb display could start on :{_FIRST_DISPLAY}..:{_LAST_DISPLAY - 1}")
    display = XDisplay(f":{number}", xauthority)
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("XAUTHORITY", str(xauthority))
        try:
            yield display
        finally:
            _close_module_displays()
            stop(process)


def _close_module_displays() -> None:
    """pyautogui and mouseinfo open a display connection at import and keep it for the process;
    closed here, with the server they talk to, not left to the interpreter's exit."""
    for module_name, owner in (("pyautogui", "platformModule"), ("mouseinfo", None)):
        module = sys.modules.get(module_name)
        holder = getattr(module, owner, None) if owner else module
        connection = getattr(holder, "_display", None)
        if connection is not None and hasattr(connection, "close"):
            with contextlib.suppress(Exception):  # the connection may be broken already
                connection.close()
