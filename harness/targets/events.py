"""Events a backend observes on its own (libvirt lifecycle events, a BMC's power LED changing)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


class TargetEventKind(enum.Enum):
    POWERED_ON = "powered-on"
    REBOOTED = "rebooted"
    SHUTDOWN = "shutdown"
    """The guest asked to shut down (e.g. Reseal)."""
    POWERED_OFF = "powered-off"
    CONNECTION_LOST = "connection-lost"
    RECONNECTED = "reconnected"


@dataclass(frozen=True)
class TargetEvent:
    kind: TargetEventKind
    timestamp: float
    """``time.monotonic()`` when the harness received it."""
    detail: str = ""
    data: dict[str, object] = field(default_factory=dict)


@runtime_checkable
class EventSource(Protocol):
    """A backend that reports events itself. The flow drains them into the run's timeline."""

    def drain_events(self) -> list[TargetEvent]:
        """Return (and forget) the events received since the last call, oldest first."""
        ...
