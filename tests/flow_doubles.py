"""Target parts that misbehave in one precise way, wrapped around the simulated device's own.

Each follows what a real part does: a lifecycle event source like libvirt's, a capture that shows
a transition picture between two screens, a capture that lags, a power control that ignores
power-off, a vision that cannot read one field.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace

import numpy as np

from harness.errors import NoFrame
from harness.sim.model.clock import VirtualClock
from harness.targets.events import TargetEvent, TargetEventKind
from harness.targets.frame import Frame
from harness.targets.protocols import PowerState
from harness.targets.target import Target
from harness.vision import Observation, ScreenState
from tests.flow_fakes import ViewVision


class LifecyclePower:
    """The sim's power plus libvirt-like lifecycle events: ``rebooted`` when the device resets
    during the ESP, and one ``reconnected`` event raised while the green result is on screen."""

    def __init__(self, target: Target, clock: VirtualClock) -> None:
        self.inner = target.power
        self.device = self.inner.device  # type: ignore[union-attr]
        self.clock = clock
        self._seen_events = 0
        self._drains_on_green = 0

    def power_on(self) -> None:
        self.inner.power_on()  # type: ignore[union-attr]

    def power_off(self) -> None:
        self.inner.power_off()  # type: ignore[union-attr]

    def power_state(self) -> PowerState:
        return self.inner.power_state()  # type: ignore[union-attr]

    def drain_events(self) -> list[TargetEvent]:
        now = self.clock.monotonic()
        found = []
        for _at, what in self.device.events[self._seen_events :]:
            if what == "reboot esp":
                found.append(TargetEvent(TargetEventKind.REBOOTED, now, "guest reset"))
        self._seen_events = len(self.device.events)
        if self.device.screen == "success":
            self._drains_on_green += 1
            if self._drains_on_green == 2:  # arrives while the flow reads the result screen
                found.append(TargetEvent(TargetEventKind.RECONNECTED, now, "pending-before-reseal"))
        return found


class TransitionScreen:
    """Shows an unknown in-between picture for ``for_s`` after the device leaves ``after``
    (a screen being drawn, a display mode switch): vision cannot name it."""

    def __init__(self, target: Target, clock: VirtualClock, after: str, for_s: float) -> None:
        self.inner = target.screen
        self.device = target.power.device  # type: ignore[union-attr]
        self.clock = clock
        self.after = after
        self.for_s = for_s
        self._was = ""
        self._until: float | None = None
        self._noise = np.random.default_rng(1).integers(0, 256, (96, 128, 3), dtype=np.uint8)

    def grab(self) -> Frame:
        now = self.clock.monotonic()
        screen = self.device.screen
        if self._was == self.after and screen != self.after and self._until is None:
            self._until = now + self.for_s
        self._was = screen
        if self._until is not None and now < self._until:
            return Frame(self._noise, now, "transition")
        return self.inner.grab()


class LaggingScreen:
    """A capture that shows every picture ``lag_s`` late (a buffering grabber), from the moment
    the device first shows ``from_screen``."""

    def __init__(self, target: Target, clock: VirtualClock, lag_s: float, from_screen: str) -> None:
        self.inner = target.screen
        self.device = target.power.device  # type: ignore[union-attr]
        self.clock = clock
        self.lag_s = lag_s
        self.from_screen = from_screen
        self._history: deque[Frame] = deque()
        self._lagging = False

    def grab(self) -> Frame:
        now = self.clock.monotonic()
        self._lagging = self._lagging or self.device.screen == self.from_screen
        self._history.append(self.inner.grab())
        if not self._lagging:
            self._history = deque([self._history[-1]])
        while len(self._history) > 1 and self._history[1].timestamp <= now - self.lag_s:
            self._history.popleft()
        old = self._history[0]
        return Frame(old.image, now, old.source)


class DeadOnScreen:
    """No frame at all once the device shows ``screen`` (a capture that died there)."""

    def __init__(self, target: Target, screen: str) -> None:
        self.inner = target.screen
        self.device = target.power.device  # type: ignore[union-attr]
        self.screen = screen

    def grab(self) -> Frame:
        if self.device.screen == self.screen:
            raise NoFrame(f"capture died on {self.screen}")
        return self.inner.grab()


class StuckOnPower:
    """A power control whose power-off does nothing and that keeps saying ``on``."""

    def __init__(self, target: Target) -> None:
        self.inner = target.power

    def power_on(self) -> None:
        self.inner.power_on()  # type: ignore[union-attr]

    def power_off(self) -> None:
        pass

    def power_state(self) -> PowerState:
        return PowerState.ON


def vision_without(field: str, state: ScreenState = ScreenState.CONFIGURATION) -> type:
    """A ViewVision that cannot read ``field`` on ``state`` screens (OCR came back empty)."""

    class Blind(ViewVision):
        def observe(self, image: np.ndarray) -> Observation:
            seen = super().observe(image)
            if seen.state is state:
                return replace(seen, fields=replace(seen.fields, **{field: None}))
            return seen

    return Blind
