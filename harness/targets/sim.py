"""The simulated device as a target: power, keyboard and screen over one ``SimDevice``.

The embedded default target: no hardware, the whole technician flow in about a minute at the
default time compression. Configuration example (device YAML)::

    target:
      backend: sim
      scenario: tpm-attestation-failure   # see docs/simulator.md for every scenario
      windows: 11
      size: [1920, 1080]
      time_scale: 60          # 60 simulated seconds per real second
      seed: 0                 # key-loss pattern of the lost-keys scenario
      overrides:              # any scenario parameter
        tpm_s: 30

Time: by default the device runs on the wall clock (the window, the stream peers). Given a
``VirtualClock`` it runs on that instead, and the target carries it (``Target.clock``), so the
flow's sleeps are what moves simulated time: a run gives the same screens, frames and verdict on
a loaded machine as on an idle one.

The screen is frame-locked: each new frame (a new timestamp) advances the ESP's progress-dot
animation by one step, and the scenario's capture faults (``capture_fault``) act here, in front
of the device, as a real capture would: ``stall`` repeats the last frame with its timestamp,
``cut`` delivers no frame (``NoFrame``) and reports ``connection-lost`` / ``reconnected``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from harness.errors import NoFrame, UsageError
from harness.keys import Key
from harness.sim.model import SimDevice
from harness.sim.model.clock import Clock, SystemClock
from harness.sim.view import View
from harness.targets.events import TargetEvent, TargetEventKind
from harness.targets.frame import Frame
from harness.targets.protocols import DEFAULT_HOLD_S, KeyboardProbe, PowerState, TimeSource
from harness.targets.target import Target

RenderBgr = Callable[[View, tuple[int, int], Any], np.ndarray]
"""``render_bgr(view, (width, height), artefacts) -> BGR uint8 array``."""

_CACHE_SIZE = 16


class SimPower:
    def __init__(self, device: SimDevice) -> None:
        self.device = device

    @property
    def can_read_state(self) -> bool:
        """False in the ``power-unreadable`` scenario: switching works, reading does not."""
        return self.device.scenario.power_readable

    def power_on(self) -> None:
        self.device.power_on()

    def power_off(self) -> None:
        self.device.power_off()

    def power_state(self) -> PowerState:
        if not self.can_read_state:
            return PowerState.UNKNOWN
        return PowerState.ON if self.device.powered else PowerState.OFF


class SimKeyboard:
    """Forwards key names to the model; a chord is its last key with the others held."""

    def __init__(self, device: SimDevice) -> None:
        self.device = device

    def press(self, key: Key, hold_s: float = DEFAULT_HOLD_S) -> None:
        self.device.press(key.name)

    def chord(self, keys: Sequence[Key], hold_s: float = DEFAULT_HOLD_S) -> None:
        if not keys:
            return
        *held, last = keys
        self.device.press(last.name, modifiers=[k.name for k in held])

    def probe(self) -> KeyboardProbe:
        # In process, the model always takes the keys (its lost-keys scenarios lose them later,
        # as a flaky cable would, which no probe can see).
        return KeyboardProbe(True, "simulated keyboard (in process)")


class SimPointer:
    """A mouse on the simulated screen: a click on a drawn button or link activates it.

    Where the controls are comes from the renderer (``render_with_hotspots``) for the View on
    screen now, at the frame size, so vision's button boxes and the click meet in the same pixel
    space. Only without geometric capture artefacts (scaling, letterbox) is that space the same.
    """

    def __init__(self, device: SimDevice, size: tuple[int, int]) -> None:
        self.device = device
        self._size = size
        self.clicks: list[tuple[int, int, str | None]] = []

    def click(self, x: int, y: int) -> None:
        from harness.sim.render.renderer import render_with_hotspots

        _, hotspots = render_with_hotspots(self.device.view(), self._size)
        hit = next(
            (
                label
                for label, (left, top, right, bottom) in hotspots.items()
                if left <= x <= right and top <= y <= bottom
            ),
            None,
        )
        self.clicks.append((x, y, hit))
        if hit is not None:
            self.device.click(hit)


class SimScreen:
    """Renders the device's current View; an unchanged View costs a dictionary look-up."""

    def __init__(
        self,
        device: SimDevice,
        size: tuple[int, int],
        source: str,
        render_bgr: RenderBgr,
        artefacts: Any = None,
        clock: Clock | None = None,
    ) -> None:
        self.device = device
        self._size = size
        self._source = source
        self._render_bgr = render_bgr
        self._artefacts = artefacts
        self._clock = clock or SystemClock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._last: np.ndarray | None = None
        self._last_frame: Frame | None = None
        self._frames = 0
        self._cut = False
        self._events: list[TargetEvent] = []

    def grab(self) -> Frame:
        now = self._clock.monotonic()
        fault = self.device.capture_fault()
        if fault == "cut":
            if not self._cut:
                self._cut = True
                self._event(TargetEventKind.CONNECTION_LOST, now, "sim capture: no signal")
            raise NoFrame("sim capture: no signal (the picture is gone)")
        if self._cut:
            self._cut = False
            self._event(TargetEventKind.RECONNECTED, now, "sim capture: picture back")
        if fault == "stall" and self._last_frame is not None:
            return self._last_frame  # the same frame, timestamp and all: a stalled capture
        if self._last_frame is None or now != self._last_frame.timestamp:
            self._frames += 1
        view = self.device.view()
        if view.frozen and self._last is not None:
            frame = Frame(self._last, now, self._source)
        else:
            if view.animated:
                view = view.at_frame(self._frames)
            self._last = self._image(view)
            frame = Frame(self._last, now, self._source)
        self._last_frame = frame
        return frame

    def drain_events(self) -> list[TargetEvent]:
        events, self._events = self._events, []
        return events

    def _event(self, kind: TargetEventKind, at: float, detail: str) -> None:
        self._events.append(TargetEvent(kind, at, detail))

    def _image(self, view: View) -> np.ndarray:
        # Every field of the View but ``frozen`` (a frozen View shows the last picture anyway).
        # repr, not JSON: the model builds its data in a fixed order, and this runs per frame.
        key = repr((view.screen, view.windows, view.language, view.animation, view.data))
        image = self._cache.get(key)
        if image is None:
            image = self._render_bgr(view, self._size, self._artefacts)
            image.setflags(write=False)  # shared by every frame of this View
            self._cache[key] = image
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return image


def make_sim_target(
    scenario: str = "success",
    *,
    windows: int = 10,
    size: tuple[int, int] = (1920, 1080),
    time_scale: float = 60.0,
    overrides: Mapping[str, Any] | None = None,
    artefacts: Any = None,
    seed: int = 0,
    clock: Clock | None = None,
    render_bgr: RenderBgr | None = None,
    pointer: bool = False,
    profile_service: Any = None,
) -> Target:
    """A Target backed by a fresh simulated device (powered off).

    ``clock``: the device's clock (default the wall clock). A clock that can also ``sleep``
    (``VirtualClock``) becomes ``Target.clock``, so the flow drives simulated time.
    ``render_bgr`` exists for tests: a cheap renderer.
    ``pointer=True`` adds a mouse (the flow then clicks the buttons it reads); it needs frames
    in the renderer's own geometry, so it cannot be combined with capture artefacts.
    """
    if pointer and artefacts is not None:
        raise UsageError("a simulated pointer needs frames without capture artefacts")
    merged = {"windows": windows, "seed": seed, **dict(overrides or {})}
    clock = clock or SystemClock()
    device = SimDevice(
        scenario,
        overrides=merged,
        clock=clock,
        time_scale=time_scale,
        profile_service=profile_service,
    )
    if render_bgr is None:
        render_bgr = _default_renderer()
    source = f"sim:{scenario}"
    return Target(
        name=source,
        screen=SimScreen(device, size, source, render_bgr, artefacts, clock),
        keyboard=SimKeyboard(device),
        power=SimPower(device),
        pointer=SimPointer(device, size) if pointer else None,
        facts={"backend": "sim", "scenario": scenario, "windows": str(windows)},
        clock=clock if isinstance(clock, TimeSource) else None,
    )


def _default_renderer() -> RenderBgr:
    # Imported late: the renderer pulls in Pillow and fonts, which a caller with its own
    # renderer (tests) does not need.
    from harness.sim.render.bgr import render_bgr

    return render_bgr
