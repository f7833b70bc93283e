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
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np

from harness.errors import UsageError
from harness.keys import Key
from harness.sim.model import SimDevice
from harness.sim.model.clock import Clock
from harness.sim.view import View
from harness.targets.frame import Frame
from harness.targets.protocols import DEFAULT_HOLD_S, PowerState
from harness.targets.target import Target

RenderBgr = Callable[[View, tuple[int, int], Any], np.ndarray]
"""``render_bgr(view, (width, height), artefacts) -> BGR uint8 array``."""

_CACHE_SIZE = 16


class SimPower:
    def __init__(self, device: SimDevice) -> None:
        self.device = device

    def power_on(self) -> None:
        self.device.power_on()

    def power_off(self) -> None:
        self.device.power_off()

    def power_state(self) -> PowerState:
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
    ) -> None:
        self.device = device
        self._size = size
        self._source = source
        self._render_bgr = render_bgr
        self._artefacts = artefacts
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._last: np.ndarray | None = None

    def grab(self) -> Frame:
        view = self.device.view()
        if view.frozen and self._last is not None:
            return Frame(self._last, time.monotonic(), self._source)
        image = self._image(view)
        self._last = image
        return Frame(image, time.monotonic(), self._source)

    def _image(self, view: View) -> np.ndarray:
        key = json.dumps(asdict(view) | {"frozen": False}, sort_keys=True)
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
) -> Target:
    """A Target backed by a fresh simulated device (powered off).

    ``clock`` and ``render_bgr`` exist for tests: a hand-advanced clock and a cheap renderer.
    ``pointer=True`` adds a mouse (the flow then clicks the buttons it reads); it needs frames
    in the renderer's own geometry, so it cannot be combined with capture artefacts.
    """
    if pointer and artefacts is not None:
        raise UsageError("a simulated pointer needs frames without capture artefacts")
    merged = {"windows": windows, "seed": seed, **dict(overrides or {})}
    device = SimDevice(scenario, overrides=merged, clock=clock, time_scale=time_scale)
    if render_bgr is None:
        render_bgr = _default_renderer()
    source = f"sim:{scenario}"
    return Target(
        name=source,
        screen=SimScreen(device, size, source, render_bgr, artefacts),
        keyboard=SimKeyboard(device),
        power=SimPower(device),
        pointer=SimPointer(device, size) if pointer else None,
        facts={"backend": "sim", "scenario": scenario, "windows": str(windows)},
    )


def _default_renderer() -> RenderBgr:
    # Imported late: the renderer pulls in Pillow and fonts, which a caller with its own
    # renderer (tests) does not need.
    from harness.sim.render.bgr import render_bgr

    return render_bgr
