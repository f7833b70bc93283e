"""The desktop backend end to end: a real X server (Xvfb), the simulated device in a real Tk
window (``harness sim window``, a separate process), real pyautogui keys and Pillow screenshots.

Nothing is faked between the flow and the window: the keys travel through XTEST to the window's
X key events, the frames are grabbed from the X server. The window has no power API across
processes, so the target has no power backend and the flow confirms Reseal's power-off by a
lasting black screen, as it would for a viewer whose VM has no power control configured.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from harness.config.choice import SIM_FLOW, sim_scenario_expectation
from harness.flow import Expectation, run_flow
from harness.report.result import RunResult
from harness.sim.window import WINDOW_TITLE
from harness.targets.desktop import create
from harness.targets.desktop_area import AreaUnavailable, TitledWindow
from harness.targets.target import Capability, Target
from tests._xvfb_display import XDisplay

pytestmark = [pytest.mark.desktop, pytest.mark.timeout(180)]


SIZE = "1024x768"
WINDOW_TIMEOUT_S = 30.0

StartWindow = Callable[..., TitledWindow]


@pytest.fixture
def start_window(xvfb_display: XDisplay, tmp_path: Path) -> Iterator[StartWindow]:
    """Start ``harness sim window`` processes; each is stopped by its PID at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def start(
        *, scenario: str = "success", windows: int = 10, position: str = "0,0"
    ) -> TitledWindow:
        log = (tmp_path / f"window-{len(started)}.log").open("wb")
        argv = [
            sys.executable, "-m", "harness.cli.main", "sim", "window",
            "--scenario", scenario, "--windows", str(windows), "--size", SIZE,
            "--time-scale", "120", "--position", position,
        ]  # fmt: skip
        env = {**_base_env(), **xvfb_display.env()}
        started.append(subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env))
        log.close()
        return _wait_for_window(xvfb_display, started[-1], tmp_path)

    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)


def _base_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "XAUTHORITY")}


def _wait_for_window(
    display: XDisplay, process: subprocess.Popen[bytes], tmp_path: Path
) -> TitledWindow:
    window = TitledWindow(WINDOW_TITLE, display=display.name)
    deadline = time.monotonic() + WINDOW_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            logs = "\n".join(p.read_text() for p in tmp_path.glob("window-*.log"))
            pytest.fail(f"the sim window exited with {process.returncode}:\n{logs}")
        try:
            window.region()
            return window
        except AreaUnavailable:
            time.sleep(0.2)
    pytest.fail(f"no window titled {WINDOW_TITLE!r} within {WINDOW_TIMEOUT_S:.0f} s")


def _desktop_target(display: XDisplay, **settings: object) -> Target:
    target = create(
        "all", {"display": display.name, **settings}, source="test_desktop_e2e.py: target"
    )
    assert isinstance(target, Target)
    return target


def _run(
    display: XDisplay, expectation: Expectation, windows: int, out_dir: Path, click: bool = False
) -> RunResult:
    # With click, the flow clicks the buttons vision reads (the window maps a click on a drawn
    # button to the device); without, it uses its key scripts only.
    target = _desktop_target(display, window_title=WINDOW_TITLE, pacing_s=0.05, click=click)
    assert target.power is None
    assert (Capability.CLICK in target.capabilities) is click
    with target:
        return run_flow(
            target,
            expectation,
            out_dir=out_dir,
            settings=SIM_FLOW.replace(blank_poweroff_s=3),
            windows=windows,
            backend="desktop",
        )


@pytest.mark.parametrize(("windows", "click"), [(10, False), (11, True)])
def test_technician_flow_through_a_desktop_window_passes(
    xvfb_display: XDisplay, start_window: StartWindow, tmp_path: Path, windows: int, click: bool
) -> None:
    start_window(scenario="success", windows=windows)
    result = _run(
        xvfb_display, sim_scenario_expectation("success"), windows, tmp_path / "runs", click
    )
    assert result.verdict == "passed", result.reason
    assert result.result == "green"
    clicks = [event.detail for event in result.events if event.kind == "click"]
    if click:
        assert any("Reseal" in detail for detail in clicks), clicks
    else:
        assert not clicks
    assert result.fields.organization == "Contoso"
    assert result.fields.ztd_id == sim_scenario_expectation("success").ztd_id
    assert result.powered_off_after_reseal is True
    assert result.device.backend == "desktop"
    phases = {phase.name for phase in result.phases}
    assert {"windows_keys_to_options", "provisioning", "reseal_to_power_off"} <= phases
    assert (Path(result.bundle_dir) / "report.html").is_file()


def test_red_result_diagnostics_open_with_a_ctrl_shift_d_chord(
    xvfb_display: XDisplay, start_window: StartWindow, tmp_path: Path
) -> None:
    """Windows 11 opens diagnostics with Ctrl+Shift+D: a chord through pyautogui and X."""
    start_window(scenario="tpm-attestation-failure", windows=11)
    fields = sim_scenario_expectation("tpm-attestation-failure")
    expectation = Expectation.parse("red:0x800705b4").with_fields(
        profile=fields.profile,
        organization=fields.organization,
        user=fields.user,
        ztd_id=fields.ztd_id,
    )
    result = _run(xvfb_display, expectation, 11, tmp_path / "runs")
    assert result.verdict == "passed", result.reason
    assert result.result == "red" and "0x800705b4" in result.error_codes
    assert result.diagnostics, "the diagnostics page did not open (Ctrl+Shift+D lost?)"


def test_window_geometry_region_and_click_map_to_the_desktop(
    xvfb_display: XDisplay, start_window: StartWindow
) -> None:
    window = start_window(position="100,60")
    region = window.region()
    assert (region.x, region.y, region.width, region.height) == (100, 60, 1024, 768)

    by_title = _desktop_target(xvfb_display, window_title=WINDOW_TITLE)
    assert Capability.CLICK in by_title.capabilities
    by_region = _desktop_target(xvfb_display, region=[100, 60, 1024, 768])
    titled, fixed = _same_moment_frames(by_title, by_region)
    assert (titled.width, titled.height) == (1024, 768)
    assert (titled.image == fixed.image).all(), "window_title and region must grab the same pixels"
    assert titled.image.mean() > 5, "the window showed only black: nothing was drawn"

    assert by_title.pointer is not None
    by_title.pointer.click(10, 20)
    location = subprocess.run(
        ["xdotool", "getmouselocation", "--shell"],
        capture_output=True,
        text=True,
        check=True,
        env={**_base_env(), **xvfb_display.env()},
    ).stdout
    assert "X=110\n" in location and "Y=80\n" in location


def _same_moment_frames(first: Target, second: Target):
    """Two grabs of the same lit picture: retry while the device boots (a black firmware
    screen) or its screen changes between the two grabs."""
    for _ in range(100):
        a, b = first.screen.grab(), second.screen.grab()
        if a.image.mean() > 5 and (a.image == b.image).all():
            break
        time.sleep(0.1)
    return a, b


def test_every_key_of_the_vocabulary_has_a_pyautogui_name(xvfb_display: XDisplay) -> None:
    """pyautogui ignores names it does not know without a word: none of ours may be one."""
    from harness.keys import all_keys
    from harness.targets.desktop_input import load_pyautogui

    gui = load_pyautogui(xvfb_display.name)
    unknown = [k.name for k in all_keys() if k.pyautogui not in gui.KEY_NAMES]
    assert unknown == []
