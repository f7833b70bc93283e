"""What every device of a fleet run is doing now: one lock-protected model, written by the
run threads, read by the live table.

Readers get copies (``snapshot``), never the rows the threads write. ``max_in_flight`` is the
most runs that were ever running at once: the parallelism bound, measured where it is enforced.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

WAITING = "waiting"
RUNNING = "running"
FINISHED = "finished"


@dataclass(frozen=True)
class DeviceStatus:
    device: str
    windows: int | None = None
    state: str = WAITING
    """``waiting``, ``running`` or ``finished``."""
    phase: str = ""
    """The flow's step (``power-on`` ... ``reseal``), or why the device did not run."""
    screen: str = ""
    verdict: str = ""
    """``passed``, ``failed``, ``error`` or ``skipped`` once finished."""
    reason: str = ""
    started_at: float | None = None
    ended_at: float | None = None
    attempt: int = 0

    def elapsed_s(self, now: float) -> float | None:
        if self.started_at is None:
            return None
        return (self.ended_at if self.ended_at is not None else now) - self.started_at


class FleetStatus:
    """The rows of one fleet run, by device name, in the order given."""

    def __init__(
        self,
        devices: Sequence[tuple[str, int | None]],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._rows = {name: DeviceStatus(name, windows) for name, windows in devices}
        self._in_flight = 0
        self._max_in_flight = 0
        self._listeners: list[Callable[[DeviceStatus], None]] = []

    def now(self) -> float:
        return self._clock()

    def subscribe(self, listener: Callable[[DeviceStatus], None]) -> None:
        """``listener(row)`` after every change of a row (in the changing thread)."""
        with self._lock:
            self._listeners.append(listener)

    def started(self, device: str, attempt: int) -> None:
        with self._lock:
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
        self._change(
            device,
            state=RUNNING,
            phase="starting",
            screen="",
            verdict="",
            reason="",
            attempt=attempt,
            started_at=self._clock(),
            ended_at=None,
        )

    def progress(self, device: str, *, phase: str | None = None, screen: str | None = None) -> None:
        changes = {"phase": phase, "screen": screen}
        self._change(device, **{key: value for key, value in changes.items() if value is not None})

    def finished(self, device: str, verdict: str, reason: str, *, ran: bool = True) -> None:
        """``ran``: the device was running (and counted in flight); False for a skip."""
        if ran:
            with self._lock:
                self._in_flight -= 1
        self._change(device, state=FINISHED, verdict=verdict, reason=reason, ended_at=self._clock())

    def snapshot(self) -> list[DeviceStatus]:
        with self._lock:
            return list(self._rows.values())

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight

    @property
    def max_in_flight(self) -> int:
        with self._lock:
            return self._max_in_flight

    def _change(self, device: str, **values: object) -> None:
        with self._lock:
            row = replace(self._rows[device], **values)  # type: ignore[arg-type]
            self._rows[device] = row
            listeners = list(self._listeners)
        for listener in listeners:
            listener(row)
