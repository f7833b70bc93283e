"""A target: the device under test as a composition of a screen, a keyboard and a power control.

A physical laptop might be ``capture`` + ``ch9329`` + ``redfish``; a VM is ``libvirt`` for all
three.
The flow only sees this object and the protocols in ``protocols.py``.
"""

from __future__ import annotations

import contextlib
import enum
from dataclasses import dataclass, field

from harness.targets.events import EventSource, TargetEvent
from harness.targets.protocols import (
    Closeable,
    GracefulPower,
    Keyboard,
    Pointer,
    Power,
    PowerState,
    Screen,
    TimeSource,
)


class Capability(enum.Enum):
    POWER = "power"
    """Can switch the device on and off and read its state."""
    GRACEFUL_SHUTDOWN = "graceful-shutdown"
    CLICK = "click"
    EVENTS = "events"
    """Reports power and reboot events by itself (libvirt lifecycle events)."""


@dataclass
class Target:
    name: str
    screen: Screen
    keyboard: Keyboard
    power: Power | None = None
    pointer: Pointer | None = None
    facts: dict[str, str] = field(default_factory=dict)
    """Free facts about the device (model, firmware, image build) copied into reports."""
    clock: TimeSource | None = None
    """The device's own time when it is simulated in process (None: the wall clock). The flow
    reads and sleeps on it, so simulated time only moves when the harness waits."""

    @property
    def capabilities(self) -> frozenset[Capability]:
        found: set[Capability] = set()
        if self.power is not None:
            found.add(Capability.POWER)
            if isinstance(self.power, GracefulPower):
                found.add(Capability.GRACEFUL_SHUTDOWN)
        if self.pointer is not None:
            found.add(Capability.CLICK)
        if any(isinstance(part, EventSource) for part in self._parts()):
            found.add(Capability.EVENTS)
        return frozenset(found)

    def power_state(self) -> PowerState:
        return self.power.power_state() if self.power is not None else PowerState.UNKNOWN

    def drain_events(self) -> list[TargetEvent]:
        events: list[TargetEvent] = []
        for part in self._unique_parts():
            if isinstance(part, EventSource):
                events.extend(part.drain_events())
        return sorted(events, key=lambda event: event.timestamp)

    def close(self) -> None:
        """Close every part once (one backend object often serves as several parts)."""
        for part in self._unique_parts():
            if isinstance(part, Closeable):
                with contextlib.suppress(Exception):
                    part.close()

    def _parts(self) -> list[object]:
        return [p for p in (self.screen, self.keyboard, self.power, self.pointer) if p is not None]

    def _unique_parts(self) -> list[object]:
        seen: dict[int, object] = {}
        for part in self._parts():
            seen.setdefault(id(part), part)
        return list(seen.values())

    def __enter__(self) -> Target:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
