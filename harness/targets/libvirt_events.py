"""libvirt's event loop on a daemon thread, and a domain's lifecycle events as TargetEvents.

libvirt delivers domain events (and the "connection closed" notice) only to a process that runs
an event loop. ``EventLoop.acquire()`` registers libvirt's default implementation (once per
process, and it must happen BEFORE the first ``libvirt.open``), then runs
``virEventRunDefaultImpl`` on a daemon thread. A periodic no-op timer wakes the loop twice a
second so the thread notices ``release()`` and stops when its last user has gone.

``LifecycleEvents`` is the thread-safe mailbox between that thread and the flow: the callbacks
registered with ``domainEventRegisterAny`` append ``TargetEvent`` values, the flow drains them.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import libvirt

from harness.targets.events import TargetEvent, TargetEventKind

_log = logging.getLogger(__name__)

_WAKE_INTERVAL_MS = 500

# Lifecycle event -> what it means for the flow. Shutdown (6) arrives when the guest asks to
# power off (Reseal), Stopped (5) when QEMU has gone; Started (2) on create().
_LIFECYCLE_KINDS = {
    libvirt.VIR_DOMAIN_EVENT_STARTED: TargetEventKind.POWERED_ON,
    libvirt.VIR_DOMAIN_EVENT_SHUTDOWN: TargetEventKind.SHUTDOWN,
    libvirt.VIR_DOMAIN_EVENT_STOPPED: TargetEventKind.POWERED_OFF,
}
_LIFECYCLE_NAMES = {
    libvirt.VIR_DOMAIN_EVENT_DEFINED: "defined",
    libvirt.VIR_DOMAIN_EVENT_UNDEFINED: "undefined",
    libvirt.VIR_DOMAIN_EVENT_STARTED: "started",
    libvirt.VIR_DOMAIN_EVENT_SUSPENDED: "suspended",
    libvirt.VIR_DOMAIN_EVENT_RESUMED: "resumed",
    libvirt.VIR_DOMAIN_EVENT_STOPPED: "stopped",
    libvirt.VIR_DOMAIN_EVENT_SHUTDOWN: "shutdown",
    libvirt.VIR_DOMAIN_EVENT_PMSUSPENDED: "pmsuspended",
    libvirt.VIR_DOMAIN_EVENT_CRASHED: "crashed",
}
_STOPPED_DETAILS = {
    libvirt.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN: "shutdown",
    libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED: "destroyed",
    libvirt.VIR_DOMAIN_EVENT_STOPPED_CRASHED: "crashed",
    libvirt.VIR_DOMAIN_EVENT_STOPPED_FAILED: "failed",
}
_SHUTDOWN_DETAILS = {0: "finished", 1: "on guest request", 2: "on host request"}


class EventLoop:
    """The process's one libvirt event loop thread, shared by every backend object."""

    _lock = threading.Lock()
    _registered = False
    _users = 0
    _thread: threading.Thread | None = None
    _stop = threading.Event()

    @classmethod
    def acquire(cls) -> None:
        """Make sure the loop runs; call before opening a connection that wants events."""
        with cls._lock:
            if not cls._registered:
                # libvirt prints every error to stderr by default; the harness reports them itself.
                libvirt.registerErrorHandler(_quiet, None)
                libvirt.virEventRegisterDefaultImpl()
                # Without any timer or handle the loop can block forever in poll(); this timer
                # also lets the thread see a stop request within half a second.
                libvirt.virEventAddTimeout(_WAKE_INTERVAL_MS, _wake, None)
                cls._registered = True
            cls._users += 1
            if cls._thread is None or not cls._thread.is_alive():
                cls._stop.clear()
                cls._thread = threading.Thread(
                    target=cls._run, name="libvirt-event-loop", daemon=True
                )
                cls._thread.start()

    @classmethod
    def release(cls) -> None:
        """One user fewer; the thread stops (and is joined) when none is left."""
        with cls._lock:
            cls._users = max(0, cls._users - 1)
            if cls._users or cls._thread is None:
                return
            thread, cls._thread = cls._thread, None
            cls._stop.set()
        thread.join(timeout=5)

    @classmethod
    def running(cls) -> bool:
        return cls._thread is not None and cls._thread.is_alive()

    @classmethod
    def _run(cls) -> None:
        while not cls._stop.is_set():
            if libvirt.virEventRunDefaultImpl() < 0:
                _log.warning("libvirt event loop iteration failed")
                time.sleep(0.1)


def _quiet(_opaque: object, _error: object) -> None:
    """Error handler that prints nothing: errors arrive as libvirtError exceptions anyway."""


def _wake(_timer: int, _opaque: object) -> None:
    """Timer callback: nothing to do, the loop iteration itself is the point."""


class LifecycleEvents:
    """Thread-safe list of TargetEvents fed by libvirt callbacks; ``drain()`` empties it."""

    def __init__(self, domain_label: str) -> None:
        self.domain_label = domain_label
        self._lock = threading.Lock()
        self._events: list[TargetEvent] = []
        self.undefined = threading.Event()
        """Set when libvirt reports the domain undefined: it will not come back."""

    def add(self, kind: TargetEventKind, detail: str = "", **data: object) -> None:
        event = TargetEvent(kind=kind, timestamp=time.monotonic(), detail=detail, data=dict(data))
        with self._lock:
            self._events.append(event)
        _log.info("%s: %s %s", self.domain_label, kind.value, detail)

    def drain(self) -> list[TargetEvent]:
        with self._lock:
            events, self._events = self._events, []
        return events

    # Callbacks, with the signatures libvirt-python calls them with.
    def on_lifecycle(
        self, _conn: Any, _dom: Any, event: int, detail: int, _opaque: object = None
    ) -> None:
        name = _LIFECYCLE_NAMES.get(event, f"event {event}")
        if event == libvirt.VIR_DOMAIN_EVENT_STOPPED:
            reason = _STOPPED_DETAILS.get(detail, f"detail {detail}")
        elif event == libvirt.VIR_DOMAIN_EVENT_SHUTDOWN:
            reason = _SHUTDOWN_DETAILS.get(detail, f"detail {detail}")
        else:
            reason = f"detail {detail}"
        if event == libvirt.VIR_DOMAIN_EVENT_UNDEFINED:
            self.undefined.set()
        kind = _LIFECYCLE_KINDS.get(event)
        if kind is None:
            _log.debug("%s: lifecycle %s (%s) ignored", self.domain_label, name, reason)
            return
        self.add(kind, f"{name} ({reason})", libvirt_event=event, libvirt_detail=detail)

    def on_reboot(self, _conn: Any, _dom: Any, _opaque: object = None) -> None:
        self.add(TargetEventKind.REBOOTED, "guest reboot")
