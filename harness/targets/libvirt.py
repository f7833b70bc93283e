"""libvirt domains (QEMU/KVM VMs, the stand-in guest): screen, keyboard, power and events.

One ``LibvirtDomain`` object serves as all three parts of a target and reports lifecycle events:
keys through ``virDomain.sendKey`` (Linux evdev codes, one call per key, a chord as one call),
the screen through ``virDomain.screenshot`` on a stream, power through create / destroy /
shutdown (ACPI) / state, events from ``domainEventRegisterAny`` on libvirt's event-loop thread
(``libvirt_events``), and a connection that survives libvirtd restarts for a bounded time
(``libvirt_connection``). Nothing touches libvirt until the first call. See docs/libvirt.md.

YAML (an existing domain)::

    target:
      backend: libvirt
      uri: qemu:///system           # default; qemu+ssh://rig07/system for a remote host
      domain: autopilot-w11-01      # name or UUID
      key_hold_s: 0.1               # optional: overrides the flow's hold time per key
      key_interval_s: 0.05          # pause after a key's release before the next key
      reconnect_timeout_s: 30       # libvirtd gone longer than this -> ConnectionLost (error)
      keepalive_interval_s: 5       # libvirt keepalive probes (remote URIs)
      keepalive_count: 3

YAML (define the domain from a template in vm_templates/ when it does not exist yet)::

    target:
      backend: libvirt
      domain: autopilot-w11-01
      template: win11               # win11 | win10 | standin
      domain_type: kvm              # kvm on real rigs; qemu (TCG) where KVM is unusable
      template_params:
        disk_image: /var/lib/libvirt/images/w11-autopilot.qcow2
        interface_type: bridge
        interface_source: br-lab
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

import libvirt

from harness.errors import ConfigError, KeyNotAccepted, NoFrame, PowerControlError
from harness.keys import Key
from harness.targets.events import TargetEvent
from harness.targets.frame import Frame
from harness.targets.libvirt_connection import DomainConnection
from harness.targets.libvirt_events import LifecycleEvents
from harness.targets.libvirt_screenshot import decode_screenshot
from harness.targets.libvirt_templates import domain_template
from harness.targets.protocols import DEFAULT_HOLD_S, PowerState
from harness.targets.rig_settings import SettingsReader, check_role
from harness.targets.target import Target

_log = logging.getLogger(__name__)

ROLES = ("all", "screen", "keyboard", "power")
DOMAIN_TYPES = ("kvm", "qemu")
MAX_KEYS_PER_CALL = 16
"""libvirt's limit (VIR_DOMAIN_SEND_KEY_MAX_KEYS) for the keys of one sendKey call."""

_ON_STATES = frozenset(
    {
        libvirt.VIR_DOMAIN_RUNNING,
        libvirt.VIR_DOMAIN_BLOCKED,
        libvirt.VIR_DOMAIN_PAUSED,
        libvirt.VIR_DOMAIN_SHUTDOWN,  # shutting down: still on until it is shut off
        libvirt.VIR_DOMAIN_PMSUSPENDED,
    }
)
_OFF_STATES = frozenset({libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_CRASHED})


class LibvirtDomain:
    """Keyboard, Screen, GracefulPower, EventSource and Closeable for one libvirt domain."""

    def __init__(
        self,
        connection: DomainConnection,
        *,
        key_hold_s: float | None = None,
        key_interval_s: float = 0.05,
    ) -> None:
        self.connection = connection
        self.key_hold_s = key_hold_s
        self.key_interval_s = key_interval_s
        self.source = f"libvirt:{connection.domain}"
        self._next_key_at = 0.0

    # ----------------------------------------------------------------- Keyboard
    def press(self, key: Key, hold_s: float = DEFAULT_HOLD_S) -> None:
        self._send([key], hold_s)

    def chord(self, keys: Sequence[Key], hold_s: float = DEFAULT_HOLD_S) -> None:
        if keys:
            self._send(list(keys), hold_s)

    def _send(self, keys: list[Key], hold_s: float) -> None:
        if len(keys) > MAX_KEYS_PER_CALL:
            raise KeyNotAccepted(f"{self.source}: at most {MAX_KEYS_PER_CALL} keys in one chord")
        hold = self.key_hold_s if self.key_hold_s is not None else hold_s
        hold_ms = max(1, round(hold * 1000))
        codes = [key.evdev for key in keys]
        label = "+".join(key.name for key in keys)
        # QEMU releases the keys on its own timer after hold_ms; the next key waits for that,
        # or two presses would overlap into a chord.
        delay = self._next_key_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        try:
            status = self.connection.call(
                lambda dom: dom.sendKey(
                    libvirt.VIR_KEYCODE_SET_LINUX, hold_ms, codes, len(codes), 0
                ),
                f"sendKey {label}",
            )
        except libvirt.libvirtError as problem:
            raise KeyNotAccepted(f"{self.source}: sendKey {label} failed: {problem}") from problem
        # sendKey can also fail by returning -1 without raising.
        if status != 0:
            raise KeyNotAccepted(f"{self.source}: sendKey {label} returned {status}")
        self._next_key_at = time.monotonic() + hold + self.key_interval_s

    # ----------------------------------------------------------------- Screen
    def grab(self) -> Frame:
        try:
            mime, data = self.connection.call(self._screenshot, "screenshot")
        except libvirt.libvirtError as problem:
            raise NoFrame(f"{self.source}: screenshot failed: {problem}") from problem
        image = decode_screenshot(mime, data, source=self.source)
        return Frame(image=image, timestamp=time.monotonic(), source=self.source)

    def _screenshot(self, dom: libvirt.virDomain) -> tuple[str, bytes]:
        stream = self.connection.connection().newStream(0)
        chunks: list[bytes] = []
        try:
            mime = dom.screenshot(stream, 0, 0)
            while True:
                chunk = stream.recv(256 * 1024)
                if not isinstance(chunk, bytes):  # -2: would block (only for non-blocking)
                    raise NoFrame(f"{self.source}: screenshot stream returned {chunk!r}")
                if not chunk:
                    break
                chunks.append(chunk)
            stream.finish()
        except BaseException:
            # Already broken: the original problem is the one to report.
            with contextlib.suppress(libvirt.libvirtError):
                stream.abort()
            raise
        return str(mime or ""), b"".join(chunks)

    # ----------------------------------------------------------------- Power
    def power_on(self) -> None:
        if self.power_state() is PowerState.ON:
            return
        self._power_call(lambda dom: dom.create(), "create")

    def power_off(self) -> None:
        if self.power_state() is PowerState.OFF:
            return
        self._power_call(lambda dom: dom.destroy(), "destroy")

    def shutdown(self) -> None:
        """ACPI power button: best effort, a guest that does not listen ignores it."""
        self._power_call(lambda dom: dom.shutdown(), "shutdown")

    def power_state(self) -> PowerState:
        try:
            state, _reason = self.connection.call(lambda dom: dom.state(0), "state")
        except libvirt.libvirtError as problem:
            raise PowerControlError(f"{self.source}: cannot read state: {problem}") from problem
        if state in _ON_STATES:
            return PowerState.ON
        if state in _OFF_STATES:
            return PowerState.OFF
        return PowerState.UNKNOWN

    def _power_call(self, action: Any, what: str) -> None:
        try:
            status = self.connection.call(action, what)
        except libvirt.libvirtError as problem:
            raise PowerControlError(f"{self.source}: {what} failed: {problem}") from problem
        if status not in (0, None):
            raise PowerControlError(f"{self.source}: {what} returned {status}")

    # ----------------------------------------------------------------- events, lifetime
    def drain_events(self) -> list[TargetEvent]:
        return self.connection.events.drain()

    def close(self) -> None:
        self.connection.close()

    def __repr__(self) -> str:
        return f"LibvirtDomain({self.connection.uri!r}, {self.connection.domain!r})"


def libvirt_target(domain: LibvirtDomain, *, facts: Mapping[str, str] | None = None) -> Target:
    return Target(
        name=domain.connection.domain,
        screen=domain,
        keyboard=domain,
        power=domain,
        facts={"hypervisor": "libvirt", "libvirt_uri": domain.connection.uri, **(facts or {})},
    )


def create(role: str, settings: Mapping[str, Any], *, source: str) -> object:
    """Build the backend from its YAML mapping (without ``backend``); see the module docstring."""
    check_role(role, ROLES, backend="libvirt", source=source)
    reader = SettingsReader(settings, source=source)
    uri = reader.text("uri", "qemu:///system")
    domain_name = reader.identifier("domain")
    if not domain_name.strip():
        raise reader.error("domain", "expected the domain's name or UUID, got an empty string")
    key_hold_s = reader.number("key_hold_s", None, minimum=0.001)
    key_interval_s = reader.number("key_interval_s", 0.05)
    reconnect_timeout_s = reader.number("reconnect_timeout_s", 30.0)
    keepalive_interval_s = reader.integer("keepalive_interval_s", 5, minimum=1)
    keepalive_count = reader.integer("keepalive_count", 3, minimum=1)
    template_name = reader.text("template", None)
    domain_type = reader.choice("domain_type", DOMAIN_TYPES, None)
    template_params = _template_params(reader)
    reader.finish()
    domain_xml = None
    facts: dict[str, str] = {}
    if template_name is None:
        for key, value in (("domain_type", domain_type), ("template_params", template_params)):
            if value:
                raise ConfigError("only used with template:", source=source, key=key)
    else:
        template = domain_template(template_name, source=source)
        values: dict[str, Any] = {"name": domain_name, **template_params}
        if domain_type:
            values["domain_type"] = domain_type
        xml = template.render(values, source=source)  # validated now, at load time
        domain_xml = lambda: xml  # noqa: E731  (defined lazily, when the domain is missing)
        facts["vm_template"] = template_name
    events = LifecycleEvents(f"libvirt:{domain_name}")
    connection = DomainConnection(
        uri,
        domain_name,
        events,
        reconnect_timeout_s=reconnect_timeout_s,
        keepalive_interval_s=keepalive_interval_s,
        keepalive_count=keepalive_count,
        domain_xml=domain_xml,
    )
    domain = LibvirtDomain(connection, key_hold_s=key_hold_s, key_interval_s=key_interval_s)
    return libvirt_target(domain, facts=facts) if role == "all" else domain


def _template_params(reader: SettingsReader) -> dict[str, Any]:
    value = reader._get("template_params", {})
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        raise reader.error("template_params", f"expected a mapping of parameters, got {value!r}")
    for key, item in value.items():
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise reader.error(f"template_params.{key}", f"expected a scalar, got {item!r}")
    if "name" in value:
        raise reader.error("template_params.name", "the domain's name comes from 'domain'")
    return dict(value)


__all__ = ["LibvirtDomain", "create", "libvirt_target"]
