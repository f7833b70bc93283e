"""CH9329 keyboard backend: exact frames, acknowledgements, retries, against a pty emulator."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from harness.errors import ConfigError, ConnectionLost, KeyNotAccepted
from harness.keys.vocabulary import key
from harness.sim.peers.ch9329_emulator import Ch9329Emulator
from harness.targets import ch9329
from harness.targets.ch9329 import Ch9329Keyboard, build_frame, keyboard_report
from tests.rig_doubles import RecordingKeyboard


def test_reference_frames_are_byte_exact() -> None:
    assert build_frame(0x01) == bytes.fromhex("57 AB 00 01 00 03")
    windows_down = build_frame(0x02, keyboard_report(0x08, []))
    assert windows_down == bytes.fromhex("57 AB 00 02 08 08 00 00 00 00 00 00 00 14")
    release = build_frame(0x02, keyboard_report(0, []))
    assert release == bytes.fromhex("57 AB 00 02 08 00 00 00 00 00 00 00 00 0C")
    ack = build_frame(0x82, b"\x00")
    assert ack == bytes.fromhex("57 AB 00 82 01 00 85")


def test_report_with_more_than_six_keys_is_refused() -> None:
    with pytest.raises(KeyNotAccepted, match="at most 6"):
        keyboard_report(0, [4, 5, 6, 7, 8, 9, 10])


@pytest.fixture
def device() -> RecordingKeyboard:
    return RecordingKeyboard()


def _emulator(device: RecordingKeyboard, **options: object) -> Iterator[Ch9329Emulator]:
    emulator = Ch9329Emulator(device, **options).start()  # type: ignore[arg-type]
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def emulator(device: RecordingKeyboard) -> Iterator[Ch9329Emulator]:
    yield from _emulator(device)


def _keyboard(port: str, **options: object) -> Ch9329Keyboard:
    settings = {"port": port, "ack_timeout_s": 0.2, **options}
    return ch9329.create("keyboard", settings, source="test.yaml: keyboard")


def test_windows_key_sends_the_reference_frames_and_reaches_the_device(
    emulator: Ch9329Emulator, device: RecordingKeyboard
) -> None:
    keyboard = _keyboard(emulator.port)
    try:
        keyboard.press(key("leftsuper"), hold_s=0.0)
        info = keyboard.info
    finally:
        keyboard.close()
    assert info is not None and info.version == "1.0" and info.usb_connected
    assert emulator.frames_received == [
        bytes.fromhex("57 AB 00 01 00 03"),
        bytes.fromhex("57 AB 00 02 08 08 00 00 00 00 00 00 00 14"),
        bytes.fromhex("57 AB 00 02 08 00 00 00 00 00 00 00 00 0C"),
    ]
    assert emulator.replies_sent[1] == bytes.fromhex("57 AB 00 82 01 00 85")
    assert device.received == [("leftsuper",)]
    assert keyboard.retries == 0


def test_chord_presses_in_order_and_releases_in_reverse(
    emulator: Ch9329Emulator, device: RecordingKeyboard
) -> None:
    keyboard = _keyboard(emulator.port)
    try:
        keyboard.chord([key("leftctrl"), key("leftshift"), key("d")], hold_s=0.0)
    finally:
        keyboard.close()
    reports = [frame[5:13] for frame in emulator.frames_received[1:]]
    assert reports == [
        keyboard_report(0x01, []),
        keyboard_report(0x03, []),
        keyboard_report(0x03, [0x07]),
        keyboard_report(0x03, []),
        keyboard_report(0x01, []),
        keyboard_report(0x00, []),
    ]
    assert device.received == [("leftctrl", "leftshift", "d")]


def test_naks_are_retried_and_counted(device: RecordingKeyboard) -> None:
    for emulator in _emulator(device, nak_rate=0.5, seed=3):
        keyboard = _keyboard(emulator.port, retries=8)
        try:
            for _ in range(5):
                keyboard.press(key("enter"), hold_s=0.0)
        finally:
            keyboard.close()
        assert emulator.naks_sent > 0
        assert keyboard.retries == emulator.naks_sent
        assert all("0xE6" in note for note in keyboard.retry_notes)
    assert device.received == [("enter",)] * 5


def test_lost_acknowledgements_are_retried_without_double_presses(
    device: RecordingKeyboard,
) -> None:
    for emulator in _emulator(device, drop_rate=0.4, seed=1):
        keyboard = _keyboard(emulator.port, retries=8, ack_timeout_s=0.1)
        try:
            for _ in range(4):
                keyboard.press(key("tab"), hold_s=0.0)
        finally:
            keyboard.close()
        assert emulator.acks_dropped > 0
        assert keyboard.retries == emulator.acks_dropped
        assert "no acknowledgement within 0.1 s" in keyboard.retry_notes[0]
    # A re-sent report is the same absolute state: the device sees each key once.
    assert device.received == [("tab",)] * 4


def test_retries_exhausted_raise_key_not_accepted_with_the_decoded_status(
    device: RecordingKeyboard,
) -> None:
    for emulator in _emulator(device, nak_rate=1.0):
        keyboard = _keyboard(emulator.port, retries=2)
        try:
            with pytest.raises(KeyNotAccepted, match=r"0xE6: operation failed"):
                keyboard.press(key("enter"), hold_s=0.0)
        finally:
            keyboard.close()
        assert keyboard.retries == 2
        # GET_INFO at connect, 3 attempts, GET_INFO again to explain the failure, then one
        # best-effort all-zero report so that no key stays held down.
        assert [frame[3] for frame in emulator.frames_received] == [1, 2, 2, 2, 1, 2]
        assert emulator.frames_received[-1][5:13] == bytes(8)


def test_silent_chip_times_out(device: RecordingKeyboard) -> None:
    for emulator in _emulator(device, drop_rate=1.0):
        keyboard = _keyboard(emulator.port, retries=1, ack_timeout_s=0.05)
        try:
            started = time.monotonic()
            with pytest.raises(KeyNotAccepted, match="no acknowledgement"):
                keyboard.press(key("enter"), hold_s=0.0)
            assert time.monotonic() - started < 2.0
        finally:
            keyboard.close()


def test_usb_side_not_connected_is_said_plainly(device: RecordingKeyboard) -> None:
    for emulator in _emulator(device, usb_connected=False):
        keyboard = _keyboard(emulator.port, retries=0)
        try:
            with pytest.raises(KeyNotAccepted, match="USB side is NOT connected"):
                keyboard.press(key("enter"), hold_s=0.0)
        finally:
            keyboard.close()
        strict = _keyboard(emulator.port, require_usb_connected=True)
        try:
            with pytest.raises(Exception, match="USB side is NOT connected"):
                strict.connect()
        finally:
            strict.close()


def test_a_chip_that_never_answers_is_a_lost_connection(device: RecordingKeyboard) -> None:
    for emulator in _emulator(device, mute=True):
        keyboard = _keyboard(emulator.port, retries=1, ack_timeout_s=0.05, baudrate=115200)
        try:
            with pytest.raises(ConnectionLost, match=r"does not answer GET_INFO.*115200"):
                keyboard.press(key("enter"))
        finally:
            keyboard.close()


def test_bad_checksum_gets_error_status_from_the_emulator(emulator: Ch9329Emulator) -> None:
    import serial

    port = serial.serial_for_url(emulator.port, timeout=0.5)
    try:
        port.write(bytes.fromhex("57 AB 00 01 00 04"))
        assert port.read(7) == build_frame(0xC1, b"\xe4")
    finally:
        port.close()


def test_missing_port_is_connection_lost() -> None:
    keyboard = _keyboard("/dev/does-not-exist-ch9329")
    with pytest.raises(Exception, match="cannot open the serial port"):
        keyboard.press(key("enter"))


@pytest.mark.parametrize(
    ("settings", "bad_key"),
    [
        ({"port": "/dev/ttyUSB0", "speed": 9600}, "speed"),
        ({}, "port"),
        ({"port": "/dev/ttyUSB0", "retries": -1}, "retries"),
        ({"port": "/dev/ttyUSB0", "address": 300}, "address"),
        ({"port": "/dev/ttyUSB0", "address": 255}, "address"),
    ],
)
def test_bad_settings_name_the_key(settings: dict[str, object], bad_key: str) -> None:
    with pytest.raises(ConfigError) as raised:
        ch9329.create("keyboard", settings, source="lab.yaml: keyboard")
    assert raised.value.key == bad_key
    assert raised.value.source == "lab.yaml: keyboard"


def test_ch9329_is_only_a_keyboard() -> None:
    with pytest.raises(ConfigError, match="cannot serve as 'power'"):
        ch9329.create("power", {"port": "/dev/ttyUSB0"}, source="lab.yaml")


def test_broadcast_address_is_refused_at_load_time() -> None:
    with pytest.raises(ConfigError, match=r"broadcast address.*never acknowledges"):
        ch9329.create("keyboard", {"port": "/dev/ttyUSB0", "address": 0xFF}, source="lab.yaml")


def _exchange(port_path: str, frame: bytes) -> bytes:
    import serial

    port = serial.serial_for_url(port_path, timeout=0.3)
    try:
        port.write(frame)
        return port.read(64)
    finally:
        port.close()


def test_a_broadcast_is_carried_out_but_never_acknowledged(
    emulator: Ch9329Emulator, device: RecordingKeyboard
) -> None:
    down = build_frame(0x02, keyboard_report(0, [0x28]), address=0xFF)  # Enter
    up = build_frame(0x02, keyboard_report(0, []), address=0xFF)
    assert _exchange(emulator.port, down + up) == b""
    assert emulator.replies_sent == []
    assert device.received == [("enter",)]


def test_a_chip_at_address_zero_takes_any_address(emulator: Ch9329Emulator) -> None:
    assert _exchange(emulator.port, build_frame(0x01, address=0x05))[:4] == bytes.fromhex(
        "57 AB 00 81"
    )


def test_a_chip_at_another_address_ignores_foreign_frames(device: RecordingKeyboard) -> None:
    for emulator in _emulator(device, address=0x05):
        assert _exchange(emulator.port, build_frame(0x01, address=0x06)) == b""
        assert _exchange(emulator.port, build_frame(0x01, address=0x00)) == b""
        assert _exchange(emulator.port, build_frame(0x01, address=0x05))[:4] == bytes.fromhex(
            "57 AB 05 81"
        )
        keyboard = _keyboard(emulator.port, address=5)
        try:
            keyboard.press(key("tab"), hold_s=0.0)
        finally:
            keyboard.close()
    assert device.received == [("tab",)]


def test_an_independent_client_drives_the_emulator(
    emulator: Ch9329Emulator, device: RecordingKeyboard
) -> None:
    """pych9329 (PyPI), written from the chip's protocol by someone else, types on the device."""
    import pych9329.keyboard as pych9329_keyboard  # the test extra; missing fails, as in CI
    import serial

    port = serial.Serial(emulator.port, 9600, timeout=0.3)
    try:
        ok, status = pych9329_keyboard.receive_indicator_status(port)
        assert ok and status["usb_connect_status"]
        pych9329_keyboard.press(port, "a")
        pych9329_keyboard.release(port)
        pych9329_keyboard.trigger(port, ["d"], ["ctrl", "shift"])
        pych9329_keyboard.release(port)
        pych9329_keyboard.press(port, "enter")
        pych9329_keyboard.release(port)
        _wait_for_frames(emulator, 7)
    finally:
        port.close()
    assert device.received == [("a",), ("leftctrl", "leftshift", "d"), ("enter",)]
    assert emulator.key_errors == []


def _wait_for_frames(emulator: Ch9329Emulator, count: int) -> None:
    deadline = time.monotonic() + 5
    while len(emulator.frames_received) < count and time.monotonic() < deadline:
        time.sleep(0.01)


class _KeyUpNakEmulator(Ch9329Emulator):
    """Refuses the first ``refusals`` all-zero reports (key-ups): the key stays down on the chip."""

    def __init__(self, keyboard: RecordingKeyboard, refusals: int) -> None:
        super().__init__(keyboard)  # type: ignore[arg-type]
        self.refusals = refusals

    def _handle_frame(self, frame: bytes) -> None:
        if frame[3] == 0x02 and frame[5:13] == bytes(8) and self.refusals > 0:
            self.refusals -= 1
            self.naks_sent += 1
            self._reply_status(0x02, 0xE6)
            return
        super()._handle_frame(frame)


def test_a_failed_key_up_still_releases_every_key(device: RecordingKeyboard) -> None:
    # Before the fix a refused key-up left Shift (and D) held on the device for good.
    emulator = _KeyUpNakEmulator(device, refusals=2).start()  # both tries of Shift-up
    keyboard = _keyboard(emulator.port, retries=1)
    try:
        with pytest.raises(KeyNotAccepted, match="up not accepted"):
            keyboard.chord([key("leftshift"), key("d")], hold_s=0.0)
        assert emulator._held.held == ()
        assert emulator.frames_received[-1][5:13] == bytes(8)
    finally:
        keyboard.close()
        emulator.stop()
