"""The desktop backend's parts without a display: settings, geometry, key names, pacing.

pyautogui is replaced by a stand-in module with the same functions (recording the calls), and
xdotool by a runner that answers like xdotool does; the end-to-end test under Xvfb
(``test_desktop_e2e.py``) runs the real ones.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from PIL import Image

from harness.errors import ConfigError, Interrupted, KeyNotAccepted, NoFrame, UsageError
from harness.keys import key
from harness.targets import desktop
from harness.targets.desktop_area import (
    GEOMETRY_REFRESH_S,
    AreaUnavailable,
    FixedRegion,
    Region,
    TitledWindow,
)
from harness.targets.desktop_input import DesktopKeyboard, DesktopPointer, load_pyautogui
from harness.targets.desktop_screen import DesktopScreen
from harness.targets.target import Capability, Target

SOURCE = "lab.yaml: devices.vm-07: target"


# -- settings ---------------------------------------------------------------------------------


def _error(settings: dict[str, Any], role: str = "all") -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        desktop.create(role, settings, source=SOURCE)
    assert caught.value.source == SOURCE
    return caught.value


class TestSettings:
    def test_all_builds_a_target_with_screen_keyboard_pointer_and_no_power(self) -> None:
        target = desktop.create("all", {"region": [0, 0, 800, 600]}, source=SOURCE)
        assert isinstance(target, Target)
        assert isinstance(target.screen, DesktopScreen)
        assert isinstance(target.keyboard, DesktopKeyboard)
        assert isinstance(target.pointer, DesktopPointer)
        assert target.power is None
        assert target.capabilities == {Capability.CLICK}

    def test_click_false_offers_no_pointer(self) -> None:
        target = desktop.create("all", {"region": [0, 0, 8, 6], "click": False}, source=SOURCE)
        assert isinstance(target, Target) and target.pointer is None

    def test_screen_and_keyboard_roles(self) -> None:
        settings = {"window_title": "vm-07 on host", "display": ":3"}
        screen = desktop.create("screen", settings, source=SOURCE)
        keyboard = desktop.create("keyboard", settings, source=SOURCE)
        assert isinstance(screen, DesktopScreen) and screen.display == ":3"
        assert isinstance(screen.area, TitledWindow) and screen.area.title == "vm-07 on host"
        assert isinstance(keyboard, DesktopKeyboard) and keyboard.focus_area is True

    def test_creating_touches_no_display(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def forbidden(*args: object, **kwargs: object) -> None:
            raise AssertionError("create() must not run xdotool or open a display")

        monkeypatch.setattr("subprocess.run", forbidden)
        monkeypatch.setattr("harness.targets.desktop.load_pyautogui", forbidden)
        desktop.create("all", {"window_title": "vm"}, source=SOURCE)

    def test_options_reach_the_parts(self) -> None:
        target = desktop.create(
            "all",
            {
                "window_title": "vm",
                "window_inset": [1, 30, 2, 24],
                "key_hold_s": 0.2,
                "pacing_s": 0.3,
                "focus_window": False,
            },
            source=SOURCE,
        )
        assert isinstance(target, Target)
        keyboard = target.keyboard
        assert isinstance(keyboard, DesktopKeyboard)
        assert (keyboard.hold_s, keyboard.pacing_s, keyboard.focus_area) == (0.2, 0.3, False)
        assert isinstance(keyboard.area, TitledWindow) and keyboard.area.inset == (1, 30, 2, 24)

    @pytest.mark.parametrize(
        ("settings", "bad_key", "words"),
        [
            ({"region": [0, 0, 8, 8], "colour": "red"}, "colour", "unknown setting"),
            ({}, "region", "either region"),
            ({"region": [0, 0, 8, 8], "window_title": "vm"}, "region", "not both"),
            ({"region": [0, 0, 8]}, "region", "4 integers"),
            ({"region": [0, 0, 8, True]}, "region", "4 integers"),
            ({"region": [-1, 0, 8, 8]}, "region", ">= 0"),
            ({"region": [0, 0, 0, 8]}, "region", "width and height"),
            ({"region": "0,0,8,8"}, "region", "4 integers"),
            ({"window_title": "  "}, "window_title", "non-empty"),
            ({"window_title": 7}, "window_title", "string"),
            ({"window_title": "vm", "window_inset": [0, 0, 0]}, "window_inset", "4 integers"),
            ({"region": [0, 0, 8, 8], "window_inset": [0, 0, 0, 0]}, "window_inset", "only"),
            ({"region": [0, 0, 8, 8], "focus_window": True}, "focus_window", "window_title"),
            ({"region": [0, 0, 8, 8], "key_hold_s": -0.1}, "key_hold_s", ">= 0"),
            ({"region": [0, 0, 8, 8], "pacing_s": "fast"}, "pacing_s", "number"),
            ({"region": [0, 0, 8, 8], "click": "yes"}, "click", "true or false"),
            ({"region": [0, 0, 8, 8], "display": ""}, "display", "display name"),
        ],
    )
    def test_bad_settings_name_the_key(
        self, settings: dict[str, Any], bad_key: str, words: str
    ) -> None:
        problem = _error(settings)
        assert problem.key == bad_key
        assert words in str(problem)

    def test_power_is_not_a_role_of_the_desktop(self) -> None:
        problem = _error({"region": [0, 0, 8, 8]}, role="power")
        assert "cannot serve as 'power'" in str(problem)


# -- where the device's screen is -------------------------------------------------------------


class FakeXdotool:
    """Answers xdotool sub-commands like xdotool; records every argv."""

    def __init__(self, windows: dict[str, str], *, activate_works: bool = False) -> None:
        self.windows = windows  # id -> getwindowgeometry --shell output
        self.activate_works = activate_works
        self.calls: list[list[str]] = []

    def __call__(self, args: Sequence[str]) -> str:
        self.calls.append(list(args))
        command, window = args[0], args[-1]
        if command == "search":
            return "".join(f"{window_id}\n" for window_id in self.windows)
        if window not in self.windows:
            raise AreaUnavailable(f"xdotool {command} failed (1): BadWindow")
        if command == "getwindowgeometry":
            return self.windows[window]
        if command == "windowactivate" and not self.activate_works:
            raise AreaUnavailable("xdotool windowactivate failed (1): no _NET_ACTIVE_WINDOW")
        return ""


def _geometry(x: int, y: int, width: int, height: int) -> str:
    return f"WINDOW=1\nX={x}\nY={y}\nWIDTH={width}\nHEIGHT={height}\nSCREEN=0\n"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class TestArea:
    def test_region_maps_frame_to_desktop_coordinates(self) -> None:
        region = Region(100, 60, 1024, 768)
        assert region.to_desktop(0, 0) == (100, 60)
        assert region.to_desktop(1023, 767) == (1123, 827)
        for outside in ((-1, 0), (1024, 0), (0, 768)):
            with pytest.raises(ValueError, match="outside the 1024x768 frame"):
                region.to_desktop(*outside)

    def test_window_found_by_title_with_exact_xdotool_argv(self) -> None:
        xdotool = FakeXdotool({"4194311": _geometry(100, 60, 1024, 800)})
        window = TitledWindow("vm-07", inset=(0, 32, 0, 0), run=xdotool)
        assert window.region() == Region(100, 92, 1024, 768)
        assert xdotool.calls == [
            ["search", "--onlyvisible", "--name", "vm-07"],
            ["getwindowgeometry", "--shell", "4194311"],
        ]

    def test_geometry_is_refreshed_at_most_once_a_second(self) -> None:
        xdotool = FakeXdotool({"7": _geometry(0, 0, 640, 480)})
        clock = Clock()
        window = TitledWindow("vm", run=xdotool, clock=clock)
        window.region()
        xdotool.windows["7"] = _geometry(50, 50, 640, 480)  # the viewer was moved
        assert window.region() == Region(0, 0, 640, 480)
        clock.now += GEOMETRY_REFRESH_S
        assert window.region() == Region(50, 50, 640, 480)
        assert [call[0] for call in xdotool.calls] == [
            "search",
            "getwindowgeometry",
            "getwindowgeometry",
        ]

    def test_a_reopened_window_is_found_again(self) -> None:
        xdotool = FakeXdotool({"7": _geometry(0, 0, 640, 480)})
        clock = Clock()
        window = TitledWindow("vm", run=xdotool, clock=clock)
        window.region()
        xdotool.windows = {"9": _geometry(10, 20, 800, 600)}  # closed, opened under a new id
        clock.now += GEOMETRY_REFRESH_S
        assert window.region() == Region(10, 20, 800, 600)

    def test_no_window_is_area_unavailable_naming_the_title(self) -> None:
        window = TitledWindow("vm-07", run=FakeXdotool({}))
        with pytest.raises(AreaUnavailable, match="'vm-07'"):
            window.region()

    def test_an_inset_larger_than_the_window_is_reported(self) -> None:
        window = TitledWindow(
            "vm", inset=(0, 500, 0, 0), run=FakeXdotool({"7": _geometry(0, 0, 640, 480)})
        )
        with pytest.raises(AreaUnavailable, match="leaves nothing"):
            window.region()

    def test_focus_falls_back_to_windowfocus_without_a_window_manager(self) -> None:
        xdotool = FakeXdotool({"7": _geometry(0, 0, 640, 480)})
        window = TitledWindow("vm", run=xdotool)
        window.focus()
        window.focus()
        assert xdotool.calls == [
            ["search", "--onlyvisible", "--name", "vm"],
            ["windowactivate", "--sync", "7"],
            ["windowfocus", "--sync", "7"],
            ["windowfocus", "--sync", "7"],  # activation is not tried again
        ]

    def test_focus_activates_under_a_window_manager(self) -> None:
        xdotool = FakeXdotool({"7": _geometry(0, 0, 640, 480)}, activate_works=True)
        TitledWindow("vm", run=xdotool).focus()
        assert xdotool.calls[-1] == ["windowactivate", "--sync", "7"]


# -- keys and clicks through a stand-in pyautogui ---------------------------------------------


class FakeFailSafe(Exception):
    pass


class FakeGui:
    """The pyautogui functions the backend uses, recording calls into a shared log."""

    KEY_NAMES = ("win", "enter", "tab", "ctrl", "shift", "d", "down")
    FailSafeException = FakeFailSafe

    def __init__(self, log: list[tuple[str, object]]) -> None:
        self.log = log
        self.fail_on: str | None = None

    def keyDown(self, name: str, *, _pause: bool = True) -> None:
        assert _pause is False, "pyautogui's own 0.1 s pause must be off"
        if name == self.fail_on:
            raise FakeFailSafe("corner")
        self.log.append(("down", name))

    def keyUp(self, name: str, *, _pause: bool = True) -> None:
        assert _pause is False
        self.log.append(("up", name))

    def click(self, x: int, y: int, *, _pause: bool = True) -> None:
        assert _pause is False
        self.log.append(("click", (x, y)))


class FakeArea:
    label = "region 0,0 640x480"

    def __init__(self, log: list[tuple[str, object]], region: Region | None = None) -> None:
        self.log = log
        self._region = region or Region(0, 0, 640, 480)
        self.focus_fails = False

    def region(self) -> Region:
        return self._region

    def focus(self) -> None:
        if self.focus_fails:
            raise AreaUnavailable("no visible window whose title matches 'vm'")
        self.log.append(("focus", None))


def _keyboard(**options: Any) -> tuple[DesktopKeyboard, FakeGui, FakeArea, list]:
    log: list[tuple[str, object]] = []
    gui, area = FakeGui(log), FakeArea(log)
    board = DesktopKeyboard(lambda: gui, area, sleep=lambda s: log.append(("sleep", s)), **options)
    return board, gui, area, log


class TestKeyboard:
    def test_windows_key_is_win_held_then_paced(self) -> None:
        board, _, _, log = _keyboard(pacing_s=0.25)
        board.press(key("leftsuper"), 0.1)
        assert log == [("down", "win"), ("sleep", 0.1), ("up", "win"), ("sleep", 0.25)]

    def test_chord_goes_down_in_order_and_up_in_reverse(self) -> None:
        board, _, _, log = _keyboard(pacing_s=0.0)
        board.chord([key("ctrl"), key("shift"), key("d")], 0.05)
        assert log == [
            ("down", "ctrl"),
            ("down", "shift"),
            ("down", "d"),
            ("sleep", 0.05),
            ("up", "d"),
            ("up", "shift"),
            ("up", "ctrl"),
            ("sleep", 0.0),
        ]

    def test_configured_hold_replaces_the_callers(self) -> None:
        board, _, _, log = _keyboard(hold_s=0.3, pacing_s=0.0)
        board.press(key("enter"), 0.1)
        assert ("sleep", 0.3) in log and ("sleep", 0.1) not in log

    def test_window_gets_the_focus_before_the_keys(self) -> None:
        board, _, _, log = _keyboard(focus_area=True, pacing_s=0.0)
        board.press(key("tab"))
        assert log[0] == ("focus", None) and log[1] == ("down", "tab")

    def test_focus_failure_is_a_key_not_accepted(self) -> None:
        board, _, area, log = _keyboard(focus_area=True)
        area.focus_fails = True
        with pytest.raises(KeyNotAccepted, match="no visible window"):
            board.press(key("tab"))
        assert log == []

    def test_a_name_pyautogui_lacks_is_refused_before_any_key_goes_down(self) -> None:
        board, _, _, log = _keyboard()
        with pytest.raises(KeyNotAccepted, match="pyautogui has no key named 'f10'"):
            board.chord([key("ctrl"), key("f10")])
        assert log == []

    def test_fail_safe_interrupts_and_releases_what_went_down(self) -> None:
        board, gui, _, log = _keyboard()
        gui.fail_on = "d"
        with pytest.raises(Interrupted, match="fail-safe"):
            board.chord([key("ctrl"), key("d")])
        assert log == [("down", "ctrl"), ("up", "ctrl")]

    def test_pacing_separates_consecutive_presses(self) -> None:
        board, _, _, log = _keyboard(pacing_s=0.15)
        for _ in range(3):
            board.press(key("win"), 0.1)
        sleeps = [value for kind, value in log if kind == "sleep"]
        assert sleeps == [0.1, 0.15] * 3


class TestPointer:
    def test_click_lands_at_the_region_offset(self) -> None:
        log: list[tuple[str, object]] = []
        gui = FakeGui(log)
        pointer = DesktopPointer(lambda: gui, FakeArea(log, Region(100, 60, 1024, 768)))
        pointer.click(10, 20)
        assert log == [("click", (110, 80))]

    def test_click_follows_a_moved_window(self) -> None:
        log: list[tuple[str, object]] = []
        gui = FakeGui(log)
        xdotool = FakeXdotool({"7": _geometry(300, 200, 800, 600)})
        pointer = DesktopPointer(lambda: gui, TitledWindow("vm", run=xdotool))
        pointer.click(799, 599)
        assert log == [("click", (1099, 799))]

    def test_click_outside_the_frame_is_a_usage_error(self) -> None:
        log: list[tuple[str, object]] = []
        pointer = DesktopPointer(lambda: FakeGui(log), FakeArea(log))
        with pytest.raises(UsageError, match="outside the 640x480 frame"):
            pointer.click(640, 10)
        assert log == []


# -- screenshots ------------------------------------------------------------------------------


class TestScreen:
    def test_frame_is_the_region_in_bgr(self) -> None:
        seen: list[tuple[tuple[int, int, int, int], str | None]] = []

        def grab(bbox: tuple[int, int, int, int], display: str | None) -> Image.Image:
            seen.append((bbox, display))
            picture = Image.new("RGBA", (bbox[2] - bbox[0], bbox[3] - bbox[1]), (255, 0, 0, 255))
            picture.putpixel((0, 0), (0, 0, 255, 255))
            return picture

        screen = DesktopScreen(FixedRegion(Region(100, 60, 4, 3)), display=":5", grab=grab)
        frame = screen.grab()
        assert seen == [((100, 60, 104, 63), ":5")]
        assert frame.image.shape == (3, 4, 3) and frame.image.dtype == np.uint8
        assert frame.image[1, 1].tolist() == [0, 0, 255]  # red, as BGR
        assert frame.image[0, 0].tolist() == [255, 0, 0]  # blue, as BGR
        assert frame.source == "desktop:region 100,60 4x3"

    def test_a_failed_screenshot_is_no_frame(self) -> None:
        def grab(bbox: tuple[int, int, int, int], display: str | None) -> Image.Image:
            raise OSError("X connection to :5 broken")

        with pytest.raises(NoFrame, match="X connection to :5 broken"):
            DesktopScreen(FixedRegion(Region(0, 0, 4, 3)), grab=grab).grab()

    def test_a_region_beyond_the_desktop_is_no_frame(self) -> None:
        def grab(bbox: tuple[int, int, int, int], display: str | None) -> Image.Image:
            return Image.new("RGB", (2, 3))  # clipped by the desktop's edge

        with pytest.raises(NoFrame, match="expected 4x3"):
            DesktopScreen(FixedRegion(Region(0, 0, 4, 3)), grab=grab).grab()

    def test_a_missing_window_is_no_frame(self) -> None:
        screen = DesktopScreen(TitledWindow("vm-07", run=FakeXdotool({})))
        with pytest.raises(NoFrame, match="'vm-07'"):
            screen.grab()


# -- loading pyautogui ------------------------------------------------------------------------


class TestLoadPyautogui:
    def test_display_is_set_only_for_the_import(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        (tmp_path / "pyautogui.py").write_text("import os\nBOUND_TO = os.environ.get('DISPLAY')\n")
        # The stand-in must not outlive this test: later tests import the real pyautogui.
        real = sys.modules.pop("pyautogui", None)
        monkeypatch.syspath_prepend(str(tmp_path))
        monkeypatch.setenv("DISPLAY", ":0")
        try:
            gui = load_pyautogui(":42")
            assert gui.BOUND_TO == ":42"
            assert os.environ["DISPLAY"] == ":0"
        finally:
            sys.modules.pop("pyautogui", None)
            if real is not None:
                sys.modules["pyautogui"] = real

    def test_a_second_display_in_one_process_is_refused(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        x_display = SimpleNamespace(get_display_name=lambda: ":42")
        bound = SimpleNamespace(platformModule=SimpleNamespace(_display=x_display))
        monkeypatch.setitem(sys.modules, "pyautogui", bound)
        assert load_pyautogui(":42") is bound
        assert load_pyautogui(None) is bound
        with pytest.raises(UsageError, match="already bound to display ':42'"):
            load_pyautogui(":7")


# -- through a lab file -----------------------------------------------------------------------


def test_a_lab_file_composes_the_desktop_with_another_power_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.config.devices import build_target, load_lab_config

    monkeypatch.setenv("BMC_07_PASSWORD", "not-used")  # nothing is contacted while building

    lab = tmp_path / "lab.yaml"
    lab.write_text(
        "devices:\n"
        "  vm-07:\n"
        "    target: {backend: desktop, window_title: vm-07, pacing_s: 0.1}\n"
        "    power: {backend: redfish, url: 'http://127.0.0.1:9', user: admin,\n"
        "            password_env: BMC_07_PASSWORD}\n"
    )
    target = build_target(load_lab_config(lab).device("vm-07"))
    assert isinstance(target.screen, DesktopScreen)
    assert isinstance(target.keyboard, DesktopKeyboard) and target.keyboard.pacing_s == 0.1
    assert isinstance(target.pointer, DesktopPointer)
    assert target.power is not None and Capability.POWER in target.capabilities


def test_a_lab_file_names_the_bad_desktop_key(tmp_path: Path) -> None:
    from harness.config.devices import build_target, load_lab_config

    lab = tmp_path / "lab.yaml"
    lab.write_text("devices:\n  vm-07:\n    target: {backend: desktop, region: [0, 0, 8]}\n")
    with pytest.raises(ConfigError) as caught:
        build_target(load_lab_config(lab).device("vm-07"))
    assert caught.value.key == "devices.vm-07.target.region" and "lab.yaml" in str(caught.value)
