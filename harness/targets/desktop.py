"""A VM console or KVM-over-IP viewer window on the rig's own desktop (VMConnect, virt-viewer,
a vendor's viewer), driven like a person at that desktop would: screenshots of the window's area
are the frames, pyautogui types the keys and clicks.

No power control of its own: compose it with a power backend (``libvirt``, ``redfish``, ``ipmi``,
``command``) or ``manual``; without one the flow confirms Reseal's power-off by a lasting black
screen (``flow.blank_poweroff_s``). Needs the ``desktop`` extra (pyautogui) and, to find a window
by title, ``xdotool`` (X11). See docs/desktop.md.

YAML (``target`` for screen + keyboard + click, or ``screen`` / ``keyboard`` on their own)::

    devices:
      win11-vm-07:
        target:
          backend: desktop
          display: ":0"                 # X11 display (default: $DISPLAY)
          window_title: "win11-vm-07"   # xdotool regex; or region: [0, 0, 1024, 768]
          window_inset: [0, 0, 0, 0]    # left, top, right, bottom: trim the viewer's toolbar
          focus_window: true            # give the window the focus before each key
          key_hold_s: 0.1               # how long each key is held (default: the flow's)
          pacing_s: 0.05                # pause after each key or chord
          click: true                   # target only: the flow clicks the buttons it reads
        power: {backend: manual}        # or libvirt, redfish, ipmi, command
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.targets.desktop_area import FixedRegion, Region, TitledWindow
from harness.targets.desktop_input import DesktopKeyboard, DesktopPointer, load_pyautogui
from harness.targets.desktop_screen import DesktopArea, DesktopScreen
from harness.targets.rig_settings import SettingsReader, check_role
from harness.targets.target import Target

ROLES = ("all", "screen", "keyboard")


def create(role: str, settings: Mapping[str, Any], *, source: str) -> object:
    """Build the desktop screen, keyboard, or (``all``) a Target with both and a pointer.

    Nothing is touched here (no display opened, no window searched): that happens on first use.
    """
    check_role(role, ROLES, backend="desktop", source=source)
    reader = SettingsReader(settings, source=source)
    display = reader.text("display", None)
    if display is not None and not display.strip():
        raise reader.error("display", "expected an X11 display name such as ':0'")
    area = _area(reader, display)
    key_hold_s = reader.number("key_hold_s", None, minimum=0.0)
    pacing_s = reader.number("pacing_s", 0.05, minimum=0.0)
    focus_window = reader.flag("focus_window", isinstance(area, TitledWindow))
    if focus_window and not isinstance(area, TitledWindow):
        raise reader.error("focus_window", "needs window_title (a fixed region has no window)")
    click = reader.flag("click", True)
    reader.finish()

    def gui() -> Any:
        return load_pyautogui(display)

    screen = DesktopScreen(area, display=display)
    keyboard = DesktopKeyboard(
        gui, area, hold_s=key_hold_s, pacing_s=pacing_s, focus_area=focus_window
    )
    if role == "screen":
        return screen
    if role == "keyboard":
        return keyboard
    return Target(
        name=f"desktop:{area.label}",
        screen=screen,
        keyboard=keyboard,
        pointer=DesktopPointer(gui, area) if click else None,
        facts={"backend": "desktop", "desktop_area": area.label},
    )


def _area(reader: SettingsReader, display: str | None) -> DesktopArea:
    has_region, has_title = reader.has("region"), reader.has("window_title")
    if has_region == has_title:
        raise reader.error(
            "region",
            "give either region: [x, y, width, height] or window_title (not both, not neither)",
        )
    inset = _integers(reader, "window_inset", 4, minimum=0) if reader.has("window_inset") else None
    if has_region:
        if inset is not None:
            raise reader.error("window_inset", "only applies to window_title, not to a region")
        x, y, width, height = _integers(reader, "region", 4, minimum=0)
        if width < 1 or height < 1:
            raise reader.error("region", f"width and height must be >= 1, got {width}x{height}")
        return FixedRegion(Region(x, y, width, height))
    title = reader.text("window_title")
    if not title.strip():
        raise reader.error("window_title", "expected a non-empty title (an xdotool regex)")
    left, top, right, bottom = inset or (0, 0, 0, 0)
    return TitledWindow(title, display=display, inset=(left, top, right, bottom))


def _integers(reader: SettingsReader, key: str, count: int, *, minimum: int) -> list[int]:
    value = reader.settings[key]
    if (
        not isinstance(value, list | tuple)
        or len(value) != count
        or not all(isinstance(item, int) and not isinstance(item, bool) for item in value)
        or any(item < minimum for item in value)
    ):
        raise reader.error(key, f"expected a list of {count} integers >= {minimum}, got {value!r}")
    return list(value)
