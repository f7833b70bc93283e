"""One libvirt connection to one domain, with lifecycle callbacks and bounded reconnection.

libvirtd can restart under a running flow (a package upgrade, a crash, a test that kills it).
QEMU keeps running meanwhile, so the right reaction is to reconnect and carry on: every domain
call goes through ``call()``, which on a lost connection reopens it with growing pauses for at
most ``reconnect_timeout_s`` seconds, re-registers the event callbacks, and repeats the call once.
A daemon that never returns, or a domain that is gone when it does, raises ``ConnectionLost`` (a
RigError: the run's verdict becomes ``error``, never ``failed``). ``CONNECTION_LOST`` and
``RECONNECTED`` events go into the run's timeline.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import libvirt

from harness.errors import ConnectionLost
from harness.targets.events import TargetEventKind
from harness.targets.libvirt_events import EventLoop, LifecycleEvents

_log = logging.getLogger(__name__)
T = TypeVar("T")

_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
)
_CONNECTION_ERRORS = frozenset(
    {
        libvirt.VIR_ERR_SYSTEM_ERROR,
        libvirt.VIR_ERR_RPC,
        libvirt.VIR_ERR_INVALID_CONN,
        libvirt.VIR_ERR_NO_CONNECT,
    }
)
_FIRST_PAUSE_S = 0.25
_LONGEST_PAUSE_S = 4.0


def is_uuid(text: str) -> bool:
    return bool(_UUID.match(text))


class DomainConnection:
    """Opens ``uri`` lazily, finds (or defines) the domain, and keeps both alive."""

    def __init__(
        self,
        uri: str,
        domain: str,
        events: LifecycleEvents,
        *,
        reconnect_timeout_s: float = 30.0,
        keepalive_interval_s: int = 5,
        keepalive_count: int = 3,
        domain_xml: Callable[[], str] | None = None,
    ) -> None:
        self.uri = uri
        self.domain = domain
        self.events = events
        self.reconnect_timeout_s = reconnect_timeout_s
        self.keepalive = (keepalive_interval_s, keepalive_count)
        self._domain_xml = domain_xml
        self._lock = threading.RLock()
        self._conn: libvirt.virConnect | None = None
        self._dom: libvirt.virDomain | None = None
        self._callback_ids: list[int] = []
        self._closed_by_peer = threading.Event()
        self._loop_acquired = False
        self.reconnects = 0

    # ----------------------------------------------------------------- public
    def call(self, operation: Callable[[libvirt.virDomain], T], what: str) -> T:
        """``operation(dom)``; reconnects once on a lost connection. libvirtError otherwise."""
        with self._lock:
            if self._dom is None or self._closed_by_peer.is_set():
                self._open_or_reconnect()
            assert self._dom is not None
            try:
                return operation(self._dom)
            except libvirt.libvirtError as problem:
                if problem.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                    raise self._vanished() from problem
                if not self._connection_failed(problem):
                    raise
                _log.warning("%s: %s failed, connection lost: %s", self.uri, what, problem)
                self._reconnect()
                return operation(self._dom)

    def connection(self) -> libvirt.virConnect:
        """The open connection (for streams); opens or reconnects first when needed."""
        with self._lock:
            if self._conn is None or self._closed_by_peer.is_set():
                self._open_or_reconnect()
            assert self._conn is not None
            return self._conn

    def close(self) -> None:
        with self._lock:
            self._drop_connection()
            if self._loop_acquired:
                self._loop_acquired = False
                EventLoop.release()

    # ----------------------------------------------------------------- opening
    def _open_or_reconnect(self) -> None:
        if self._conn is None and not self._closed_by_peer.is_set() and self.reconnects == 0:
            try:
                self._open()
                return
            except libvirt.libvirtError as problem:
                if problem.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                    raise self._vanished() from problem
                raise ConnectionLost(f"cannot connect to {self.uri}: {problem}") from problem
        self._reconnect()

    def _open(self) -> None:
        if not self._loop_acquired:
            EventLoop.acquire()  # before libvirt.open, or events never arrive
            self._loop_acquired = True
        self._closed_by_peer.clear()
        conn = libvirt.open(self.uri)
        try:
            self._tune(conn)
            dom = self._lookup_or_define(conn)
            self._callback_ids = [
                conn.domainEventRegisterAny(
                    dom, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, self.events.on_lifecycle, None
                ),
                conn.domainEventRegisterAny(
                    dom, libvirt.VIR_DOMAIN_EVENT_ID_REBOOT, self.events.on_reboot, None
                ),
            ]
        except BaseException:
            conn.close()
            raise
        self._conn, self._dom = conn, dom

    def _tune(self, conn: libvirt.virConnect) -> None:
        interval, count = self.keepalive
        try:
            conn.setKeepAlive(interval, count)
        except libvirt.libvirtError as problem:  # local drivers (test:///) have no keepalive
            _log.debug("%s: no keepalive: %s", self.uri, problem)
        try:
            conn.registerCloseCallback(self._on_close, None)
        except libvirt.libvirtError as problem:
            _log.debug("%s: no close callback: %s", self.uri, problem)

    def _lookup_or_define(self, conn: libvirt.virConnect) -> libvirt.virDomain:
        try:
            if is_uuid(self.domain):
                return conn.lookupByUUIDString(self.domain)
            return conn.lookupByName(self.domain)
        except libvirt.libvirtError as problem:
            if problem.get_error_code() != libvirt.VIR_ERR_NO_DOMAIN or self._domain_xml is None:
                raise
        _log.info("%s: defining domain %s from its template", self.uri, self.domain)
        return conn.defineXML(self._domain_xml())

    # ----------------------------------------------------------------- losing it
    def _on_close(self, _conn: libvirt.virConnect, reason: int, _opaque: object) -> None:
        """Runs on the event-loop thread when libvirt notices the connection closed."""
        if not self._closed_by_peer.is_set():
            self._closed_by_peer.set()
            self.events.add(
                TargetEventKind.CONNECTION_LOST, f"{self.uri}: closed (reason {reason})"
            )

    def _connection_failed(self, problem: libvirt.libvirtError) -> bool:
        if self._closed_by_peer.is_set() or problem.get_error_code() in _CONNECTION_ERRORS:
            return True
        try:
            return self._conn is None or self._conn.isAlive() != 1
        except libvirt.libvirtError:
            return True

    def _reconnect(self) -> None:
        if not self._closed_by_peer.is_set():
            self._closed_by_peer.set()
            self.events.add(TargetEventKind.CONNECTION_LOST, f"{self.uri}: call failed")
        self._drop_connection()
        started = time.monotonic()
        deadline = started + self.reconnect_timeout_s
        pause = _FIRST_PAUSE_S
        last_problem = "no attempt made"
        while True:
            if self.events.undefined.is_set():
                raise self._vanished()
            try:
                self._open()
            except libvirt.libvirtError as problem:
                if problem.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                    raise self._vanished() from problem
                last_problem = str(problem)
            else:
                self.reconnects += 1
                waited = time.monotonic() - started
                self.events.add(
                    TargetEventKind.RECONNECTED, f"{self.uri} after {waited:.1f} s", waited_s=waited
                )
                return
            if time.monotonic() + pause > deadline:
                raise ConnectionLost(
                    f"libvirt at {self.uri} did not come back within "
                    f"{self.reconnect_timeout_s:g} s (last error: {last_problem})"
                )
            time.sleep(pause)
            pause = min(pause * 2, _LONGEST_PAUSE_S)

    def _vanished(self) -> ConnectionLost:
        return ConnectionLost(f"domain {self.domain!r} no longer exists on {self.uri}")

    def _drop_connection(self) -> None:
        conn, self._conn, self._dom = self._conn, None, None
        ids, self._callback_ids = self._callback_ids, []
        if conn is None:
            return
        for callback_id in ids:
            # A dead connection has no callbacks left to remove.
            with contextlib.suppress(libvirt.libvirtError):
                conn.domainEventDeregisterAny(callback_id)
        with contextlib.suppress(libvirt.libvirtError):
            conn.unregisterCloseCallback()
        with contextlib.suppress(libvirt.libvirtError):
            conn.close()
