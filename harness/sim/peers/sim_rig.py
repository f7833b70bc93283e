"""All physical-rig peers of one simulated device, started together.

``start_sim_rig(device)`` serves the device's screen as an MJPEG stream, its keyboard behind an
emulated CH9329 on a pty and behind a line-protocol key server, and (given a password) the whole
device behind the PiKVM API (HTTPS with a self-signed certificate, pinned in the
YAML; ATX clicks at ``atx_time_scale`` times kvmd's speed). ``rig_config()`` is the device
YAML a harness needs to drive it as a physical laptop. Used by ``harness sim serve`` and by
the rig end-to-end tests.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from typing import Any

from harness.sim.peers.ch9329_emulator import Ch9329Emulator
from harness.sim.peers.line_helper import KeyLineServer
from harness.sim.peers.mjpeg_server import MjpegServer
from harness.sim.peers.pikvm_server import PiKvmServer
from harness.targets.target import Target


class _Serialized:
    """Calls ``inner``'s methods under one lock shared by every peer of a device.

    The peers run on their own threads (stream, serial, HTTP); the device model is written for
    one caller at a time, as a real device's keyboard, screen and power button are one machine.
    Attribute checks pass through, so ``isinstance(part, GracefulPower)`` still tells the truth.
    """

    def __init__(self, inner: object, lock: threading.RLock) -> None:
        self._inner = inner
        self._lock = lock

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute):
            return attribute

        def locked(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attribute(*args, **kwargs)

        return locked


def serialized_parts(device: Target) -> tuple[Any, Any, Any]:
    """The device's screen, keyboard and power (or None), each behind one shared lock."""
    lock = threading.RLock()

    def wrap(part: object) -> Any:
        return _Serialized(part, lock)

    power = wrap(device.power) if device.power is not None else None
    return wrap(device.screen), wrap(device.keyboard), power


DEFAULT_PASSWORD_ENV = "HARNESS_SIM_PIKVM_PASSWORD"  # noqa: S105 - a variable's name


@dataclass
class SimRigPeers:
    stream: MjpegServer
    injector: Ch9329Emulator
    key_lines: KeyLineServer
    kvm: PiKvmServer | None = None
    _stopped: bool = field(default=False, repr=False)

    def rig_config(self, *, password_env: str = DEFAULT_PASSWORD_ENV) -> dict[str, Any]:
        """A device's ``screen`` / ``keyboard`` / ``power`` mappings (lab YAML) for these peers."""
        config: dict[str, Any] = {
            "screen": {"backend": "capture", "url": f"{self.stream.url}/stream"},
            "keyboard": {"backend": "ch9329", "port": self.injector.port, "baudrate": 115200},
        }
        if self.kvm is not None:
            config["power"] = {
                "backend": "pikvm",
                "url": self.kvm.url,
                "user": self.kvm.user,
                "password_env": password_env,
                "tls_fingerprint": self.kvm.fingerprint,
            }
        return config

    def line_hid_keyboard(self) -> dict[str, Any]:
        """The ``keyboard`` mapping that drives the device through the line-protocol helper."""
        helper = [sys.executable, "-m", "harness.sim.peers.line_helper"]
        return {"backend": "line_hid", "command": [*helper, "--connect", self.key_lines.address]}

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        for peer in (self.kvm, self.key_lines, self.injector, self.stream):
            if peer is not None:
                peer.stop()


def start_sim_rig(
    device: Target,
    *,
    fps: float = 10.0,
    nak_rate: float = 0.0,
    drop_rate: float = 0.0,
    seed: int = 0,
    pikvm_user: str = "admin",
    pikvm_password: str | None = None,
    host: str = "127.0.0.1",
    mjpeg_port: int = 0,
    pikvm_port: int = 0,
    line_port: int = 0,
    atx_time_scale: float = 10.0,
) -> SimRigPeers:
    screen, keyboard, power = serialized_parts(device)
    started: list[Any] = []
    try:
        stream = MjpegServer(screen, host=host, port=mjpeg_port, fps=fps).start()
        started.append(stream)
        injector = Ch9329Emulator(
            keyboard, nak_rate=nak_rate, drop_rate=drop_rate, seed=seed
        ).start()
        started.append(injector)
        key_lines = KeyLineServer(keyboard, host=host, port=line_port).start()
        started.append(key_lines)
        kvm = None
        if pikvm_password is not None and power is not None:
            kvm = PiKvmServer(
                screen,
                keyboard,
                power,
                user=pikvm_user,
                password=pikvm_password,
                host=host,
                port=pikvm_port,
                atx_time_scale=atx_time_scale,
            ).start()
            started.append(kvm)
    except BaseException:
        for peer in reversed(started):
            peer.stop()
        raise
    return SimRigPeers(stream=stream, injector=injector, key_lines=key_lines, kvm=kvm)
