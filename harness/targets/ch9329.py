"""Keyboard through a CH9329 UART-to-USB-HID chip (the injector inside many KVM dongles).

The harness writes serial frames ``57 AB ADDR CMD LEN DATA SUM``; the chip turns each keyboard
frame into a USB boot-keyboard report on the device under test and answers with an acknowledgement
(``CMD | 0x80``) or an error (``CMD | 0xC0`` with a status byte). Each frame waits for its
acknowledgement; a missing or negative one is retried a bounded number of times (a keyboard report
is absolute state, so sending it twice is harmless) and counted in ``retries`` so the flow can
report a flaky injector. ``GET_INFO`` at connect reads the chip version and whether its USB side is
enumerated by the device.

The port is a device path or any pyserial URL (``rfc2217://host:port`` or ``socket://host:port``
for an injector exported over the network, e.g. by ser2net).

YAML::

    keyboard:
      backend: ch9329
      port: /dev/ttyUSB0          # or rfc2217://kvm-07.lab:4001
      baudrate: 9600              # factory default; many dongles are set to 115200
      address: 0                  # chip address (0x00 by default; 0xFF, broadcast, is refused)
      ack_timeout_s: 0.5          # wait this long for each acknowledgement
      retries: 3                  # re-sends per frame after a lost or negative acknowledgement
      require_usb_connected: false  # true: refuse to connect when the chip's USB side is down
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import serial

from harness.errors import ConnectionLost, KeyNotAccepted
from harness.keys import Key
from harness.targets.protocols import DEFAULT_HOLD_S, KeyboardProbe
from harness.targets.rig_settings import SettingsReader, check_role

_log = logging.getLogger(__name__)

HEADER = b"\x57\xab"
CMD_GET_INFO = 0x01
CMD_SEND_KB_GENERAL_DATA = 0x02
REPLY_OK_FLAG = 0x80
REPLY_ERROR_FLAG = 0xC0
BROADCAST_ADDRESS = 0xFF

STATUS_MESSAGES = {
    0x00: "success",
    0xE1: "serial receive timeout (the chip got an incomplete frame)",
    0xE2: "bad frame header",
    0xE3: "unknown command",
    0xE4: "checksum mismatch",
    0xE5: "bad parameter",
    0xE6: "operation failed (the chip could not send the report to the device)",
}


def checksum(data: bytes) -> int:
    """Low byte of the sum of all bytes (header included)."""
    return sum(data) & 0xFF


def build_frame(command: int, data: bytes = b"", *, address: int = 0) -> bytes:
    body = HEADER + bytes([address, command, len(data)]) + data
    return body + bytes([checksum(body)])


def keyboard_report(modifiers: int, usages: Sequence[int]) -> bytes:
    """The 8-byte boot-keyboard report ``[modifiers, 0, k1..k6]``; an all-zero report releases."""
    if len(usages) > 6:
        raise KeyNotAccepted(f"a HID boot report holds at most 6 keys, got {len(usages)}")
    return bytes([modifiers & 0xFF, 0, *usages, *([0] * (6 - len(usages)))])


def describe_status(status: int) -> str:
    return STATUS_MESSAGES.get(status, f"unknown status 0x{status:02X}")


@dataclass(frozen=True)
class Reply:
    address: int
    command: int
    data: bytes

    @property
    def is_error(self) -> bool:
        return self.command & REPLY_ERROR_FLAG == REPLY_ERROR_FLAG

    @property
    def status(self) -> int:
        """Status byte of an acknowledgement (0 for replies that carry data instead)."""
        return self.data[0] if len(self.data) == 1 else 0


@dataclass(frozen=True)
class ChipInfo:
    version: str
    """``1.0`` for a version byte 0x30, as the datasheet numbers it."""
    usb_connected: bool
    """The chip's USB side is enumerated by the device under test."""


class Ch9329Keyboard:
    """A ``Keyboard`` on a CH9329. Connects on first use; ``close()`` releases the port."""

    def __init__(
        self,
        port: str,
        *,
        baudrate: int = 9600,
        address: int = 0,
        ack_timeout_s: float = 0.5,
        retries: int = 3,
        require_usb_connected: bool = False,
    ) -> None:
        self.port_url = port
        self.baudrate = baudrate
        self.address = address
        self.ack_timeout_s = ack_timeout_s
        self.max_retries = retries
        self.require_usb_connected = require_usb_connected
        self.retries = 0
        """Frames re-sent so far after a lost or negative acknowledgement."""
        self.retry_notes: list[str] = []
        """One line per re-sent frame, saying why (for the run log)."""
        self.info: ChipInfo | None = None
        self._serial: serial.SerialBase | None = None

    # -- connection ---------------------------------------------------------------------------

    def connect(self) -> ChipInfo:
        if self._serial is None:
            try:
                self._serial = serial.serial_for_url(
                    self.port_url, baudrate=self.baudrate, timeout=0.02, write_timeout=1.0
                )
            except (serial.SerialException, ValueError) as problem:
                raise ConnectionLost(
                    f"CH9329 on {self.port_url}: cannot open the serial port: {problem}"
                ) from problem
        try:
            self.info = self.get_info()
        except KeyNotAccepted as problem:
            raise ConnectionLost(
                f"CH9329 on {self.port_url} does not answer GET_INFO ({problem}): wrong port, "
                f"wrong baud rate (configured {self.baudrate}; 9600 is the factory default, "
                "many dongles use 115200), or not a CH9329"
            ) from problem
        _log.info(
            "CH9329 on %s: chip version %s, USB side %s",
            self.port_url,
            self.info.version,
            "connected" if self.info.usb_connected else "NOT connected",
        )
        if not self.info.usb_connected and self.require_usb_connected:
            raise ConnectionLost(self._usb_down_message())
        return self.info

    def get_info(self) -> ChipInfo:
        reply = self._transact(CMD_GET_INFO, b"", what="GET_INFO")
        if len(reply.data) < 2:
            raise ConnectionLost(
                f"CH9329 on {self.port_url}: GET_INFO reply too short: {reply.data.hex(' ')}"
            )
        version_byte = reply.data[0]
        version = f"{(version_byte >> 4) - 2}.{version_byte & 0x0F}"
        return ChipInfo(version=version, usb_connected=reply.data[1] == 0x01)

    def probe(self) -> KeyboardProbe:
        """``GET_INFO``: the chip answers, and its USB side is enumerated by the device."""
        try:
            info = self.connect()
        except (ConnectionLost, KeyNotAccepted) as problem:
            return KeyboardProbe(False, str(problem))
        if not info.usb_connected:
            return KeyboardProbe(False, self._usb_down_message())
        return KeyboardProbe(True, f"CH9329 {info.version} on {self.port_url}, USB side connected")

    def close(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            finally:
                self._serial = None

    # -- Keyboard -----------------------------------------------------------------------------

    def press(self, key: Key, hold_s: float = DEFAULT_HOLD_S) -> None:
        self.chord([key], hold_s)

    def chord(self, keys: Sequence[Key], hold_s: float = DEFAULT_HOLD_S) -> None:
        if self._serial is None:
            self.connect()
        held: list[Key] = []
        try:
            for key in keys:  # press in order, one report per key, as a person would
                held.append(key)
                self.send_report(_report_for(held), what=f"{key.name} down")
            time.sleep(hold_s)
            while held:  # release in reverse order; the last report is all zeros
                self.send_report(_report_for(held[:-1]), what=f"{held[-1].name} up")
                held.pop()
        except BaseException:
            if held:
                self._release_all()
            raise

    def _release_all(self) -> None:
        """Best effort after a failed report: an all-zero report, so that no key stays held
        down on the device (a stuck Shift or Windows key would spoil every later key)."""
        try:
            report = keyboard_report(0, [])
            self._transact(CMD_SEND_KB_GENERAL_DATA, report, what="release all keys", retries=0)
        except (KeyNotAccepted, ConnectionLost) as problem:
            _log.warning("CH9329 on %s: could not release the keys: %s", self.port_url, problem)

    def send_report(self, report: bytes, *, what: str = "report") -> None:
        self._transact(CMD_SEND_KB_GENERAL_DATA, report, what=what)

    # -- frames -------------------------------------------------------------------------------

    def _transact(
        self, command: int, data: bytes, *, what: str, retries: int | None = None
    ) -> Reply:
        """Send one frame until acknowledged; ``retries`` given: a best-effort frame (that many
        re-sends, no diagnosis of the failure)."""
        port = self._require_port()
        frame = build_frame(command, data, address=self.address)
        problem = ""
        max_retries = self.max_retries if retries is None else retries
        for attempt in range(max_retries + 1):
            if attempt:
                self.retries += 1
                note = f"CH9329 {what}: retry {attempt}/{max_retries} after {problem}"
                self.retry_notes.append(note)
                _log.warning(note)
            try:
                port.reset_input_buffer()  # a late acknowledgement of an earlier try is stale
                port.write(frame)
                reply = self._read_reply(port, time.monotonic() + self.ack_timeout_s)
            except (serial.SerialException, OSError) as error:
                raise ConnectionLost(
                    f"CH9329 on {self.port_url}: serial port failed: {error}"
                ) from error
            if reply is None:
                problem = f"no acknowledgement within {self.ack_timeout_s:g} s"
            elif reply.command & 0x3F != command:
                problem = f"reply to another command (0x{reply.command:02X})"
            elif reply.is_error or reply.status != 0:
                problem = f"error status 0x{reply.status:02X}: {describe_status(reply.status)}"
            else:
                return reply
        message = f"CH9329 on {self.port_url}: {what} not accepted: {problem}"
        if command != CMD_GET_INFO and retries is None:
            message += self._usb_hint()
        raise KeyNotAccepted(message)

    def _read_reply(self, port: serial.SerialBase, deadline: float) -> Reply | None:
        buffer = b""
        while time.monotonic() < deadline:
            buffer += port.read(64)
            start = buffer.find(HEADER)
            if start < 0:
                buffer = buffer[-1:]
                continue
            buffer = buffer[start:]
            if len(buffer) < 5:
                continue
            length = buffer[4]
            if len(buffer) < 6 + length:
                continue
            frame, buffer = buffer[: 6 + length], buffer[6 + length :]
            if checksum(frame[:-1]) != frame[-1]:
                _log.warning("CH9329 reply with a bad checksum ignored: %s", frame.hex(" "))
                continue
            return Reply(address=frame[2], command=frame[3], data=frame[5:-1])
        return None

    def _require_port(self) -> serial.SerialBase:
        if self._serial is None:
            raise ConnectionLost(f"CH9329 on {self.port_url}: not connected")
        return self._serial

    def _usb_hint(self) -> str:
        try:
            self.info = self.get_info()
        except KeyNotAccepted:
            return " (the chip does not answer GET_INFO either)"
        if not self.info.usb_connected:
            return "; " + self._usb_down_message()
        return ""

    def _usb_down_message(self) -> str:
        return (
            f"the CH9329 on {self.port_url} says its USB side is NOT connected: the device under "
            "test has not enumerated the injector (USB cable unplugged, device off, or a port that "
            "is powered down)"
        )


def _report_for(held: Sequence[Key]) -> bytes:
    modifiers = 0
    usages: list[int] = []
    for key in held:
        if key.is_modifier:
            modifiers |= key.hid_modifier
        elif key.hid_usage and key.hid_usage not in usages:
            usages.append(key.hid_usage)
        elif not key.hid_usage:
            raise KeyNotAccepted(f"key {key.name!r} has no USB HID usage id")
    return keyboard_report(modifiers, usages)


def create(role: str, settings: Mapping[str, Any], *, source: str) -> Ch9329Keyboard:
    check_role(role, ("keyboard",), backend="ch9329", source=source)
    reader = SettingsReader(settings, source=source)
    keyboard = Ch9329Keyboard(
        reader.text("port"),
        baudrate=reader.integer("baudrate", 9600, minimum=1200),
        address=reader.integer("address", 0, minimum=0),
        ack_timeout_s=reader.number("ack_timeout_s", 0.5, minimum=0.01),
        retries=reader.integer("retries", 3, minimum=0),
        require_usb_connected=reader.flag("require_usb_connected", False),
    )
    if keyboard.address >= BROADCAST_ADDRESS:
        raise reader.error(
            "address",
            f"expected 0..254, got {keyboard.address}: 255 (0xFF) is the broadcast address, "
            "which a CH9329 carries out but never acknowledges, so every key would time out; "
            "give the chip's own address (0 by default)",
        )
    reader.finish()
    return keyboard
