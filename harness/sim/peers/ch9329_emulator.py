"""An emulated CH9329 on a pseudo-terminal pair, in front of a ``Keyboard``.

The harness opens ``emulator.port`` (the pty's slave path) with pyserial exactly as it opens
``/dev/ttyUSB0``; the emulator reads the master side, checks each frame (header, length,
checksum) as the chip does, answers ``CMD | 0x80`` acknowledgements or ``CMD | 0xC0`` errors, and
turns keyboard reports into key presses on the simulated device:

a key going down while modifiers are held is a chord; a lone modifier pressed and released (the
Windows key) is a press on release (``held_keys.HeldKeys``).

Addresses as the datasheet has them: a chip at address 0x00 (the factory default) takes a frame
with any address; a chip at another address takes frames for its own address and for the
broadcast address 0xFF; a broadcast frame is carried out but never acknowledged.

Faults, by option and reproducible with ``seed``: ``nak_rate`` answers a fraction of keyboard
frames with status 0xE6 and drops the report; ``drop_rate`` applies a fraction of reports but
sends no acknowledgement (a lost ack); ``usb_connected=False`` reports an unplugged USB side in
GET_INFO; ``mute=True`` answers nothing at all (a wrong port or baud rate).
"""

from __future__ import annotations

import contextlib
import os
import random
import select
import threading
import tty

from harness.keys.vocabulary import key_by_hid_usage, modifiers_from_hid_bits
from harness.sim.peers.held_keys import HeldKeys
from harness.targets.protocols import Keyboard

HEADER = b"\x57\xab"
STATUS_OK = 0x00
STATUS_COMMAND = 0xE3
STATUS_CHECKSUM = 0xE4
STATUS_PARAMETER = 0xE5
STATUS_FAILED = 0xE6
CHIP_VERSION = 0x30  # "V1.0" in the datasheet's numbering
BROADCAST = 0xFF


def _checksum(data: bytes) -> int:
    return sum(data) & 0xFF


class Ch9329Emulator:
    def __init__(
        self,
        keyboard: Keyboard,
        *,
        address: int = 0,
        nak_rate: float = 0.0,
        drop_rate: float = 0.0,
        usb_connected: bool = True,
        mute: bool = False,
        seed: int = 0,
    ) -> None:
        self.keyboard = keyboard
        self.address = address
        self.nak_rate = nak_rate
        self.drop_rate = drop_rate
        self.usb_connected = usb_connected
        self.mute = mute
        self.random = random.Random(seed)
        self.frames_received: list[bytes] = []
        self.replies_sent: list[bytes] = []
        self.naks_sent = 0
        self._replying = True
        self.acks_dropped = 0
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no line discipline: a serial line carries bytes
        self.port = os.ttyname(self._slave)
        self._held = HeldKeys(keyboard)
        self.key_errors = self._held.errors
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="ch9329-emulator", daemon=True)

    def start(self) -> Ch9329Emulator:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)

    # -- serial side --------------------------------------------------------------------------

    def _serve(self) -> None:
        buffer = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                buffer += os.read(self._master, 256)
            except OSError:
                return
            buffer = self._handle_buffer(buffer)

    def _handle_buffer(self, buffer: bytes) -> bytes:
        while True:
            start = buffer.find(HEADER)
            if start < 0:
                return buffer[-1:]
            buffer = buffer[start:]
            if len(buffer) < 6 or len(buffer) < 6 + buffer[4]:
                return buffer
            frame, buffer = buffer[: 6 + buffer[4]], buffer[6 + buffer[4] :]
            self.frames_received.append(frame)
            self._handle_frame(frame)

    def _handle_frame(self, frame: bytes) -> None:
        address, command, data = frame[2], frame[3], frame[5:-1]
        if self.mute:
            return  # a chip that is not there (wrong port or baud rate)
        if not (self.address == 0x00 or address in (self.address, BROADCAST)):
            return  # addressed to another chip on the bus
        self._replying = address != BROADCAST  # a broadcast is carried out, never answered
        if _checksum(frame[:-1]) != frame[-1]:
            self._reply_status(command, STATUS_CHECKSUM)
        elif command == 0x01:
            led_state = 0
            info = bytes(
                [CHIP_VERSION, 0x01 if self.usb_connected else 0x00, led_state, 0, 0, 0, 0, 0]
            )
            self._reply(command | 0x80, info)
        elif command == 0x02:
            if len(data) != 8:
                self._reply_status(command, STATUS_PARAMETER)
            elif self.nak_rate and self.random.random() < self.nak_rate:
                self.naks_sent += 1
                self._reply_status(command, STATUS_FAILED)
            elif not self.usb_connected:
                self._reply_status(command, STATUS_FAILED)
            else:
                self._apply_report(data[0], tuple(usage for usage in data[2:] if usage))
                if self.drop_rate and self.random.random() < self.drop_rate:
                    self.acks_dropped += 1
                else:
                    self._reply_status(command, STATUS_OK)
        else:
            self._reply_status(command, STATUS_COMMAND)

    def _reply_status(self, command: int, status: int) -> None:
        self._reply(command | (0x80 if status == STATUS_OK else 0xC0), bytes([status]))

    def _reply(self, command: int, data: bytes) -> None:
        if not self._replying:
            return
        body = HEADER + bytes([self.address, command, len(data)]) + data
        reply = body + bytes([_checksum(body)])
        self.replies_sent.append(reply)
        with contextlib.suppress(OSError):
            os.write(self._master, reply)

    # -- keyboard side ------------------------------------------------------------------------

    def _apply_report(self, modifiers: int, usages: tuple[int, ...]) -> None:
        keys = list(modifiers_from_hid_bits(modifiers))
        for usage in usages:
            key = key_by_hid_usage(usage)
            if key is None:
                self.key_errors.append(f"unknown HID usage 0x{usage:02X}")
            else:
                keys.append(key)
        self._held.set_state(keys)
