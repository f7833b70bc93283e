"""The server side of RFC 6455 (websockets) on a ``BaseHTTPRequestHandler``'s connection.

Just what the PiKVM peer's ``/api/ws`` needs: the handshake (``Sec-WebSocket-Accept``), reading
client frames (masked, any length, text / ping / close), sending text and control frames.
Written from the RFC, not from any client library, so the backend's websocket client is tested
against an independent implementation.
"""

from __future__ import annotations

import base64
import hashlib
import select
import socket
import ssl
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x1, 0x2, 0x8, 0x9, 0xA


def accept_key(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + GUID).encode("ascii")).digest()).decode()  # noqa: S324 - the RFC's algorithm


@dataclass(frozen=True)
class WsFrame:
    opcode: int
    payload: bytes


class WsConnection:
    """A server-side websocket on an accepted (maybe TLS) socket, after the 101 answer."""

    def __init__(self, sock: socket.socket, reader: BinaryIO, writer: BinaryIO) -> None:
        self.sock = sock
        self.reader = reader
        self.writer = writer

    def readable(self, timeout_s: float) -> bool:
        if isinstance(self.sock, ssl.SSLSocket) and self.sock.pending():
            return True
        ready, _, _ = select.select([self.sock], [], [], timeout_s)
        return bool(ready)

    def read_frame(self) -> WsFrame | None:
        """One frame (client frames must be masked); None when the peer went away."""
        head = self._read(2)
        if head is None:
            return None
        opcode = head[0] & 0x0F
        masked = bool(head[1] & 0x80)
        length = head[1] & 0x7F
        if length == 126:
            extra = self._read(2)
            length = struct.unpack(">H", extra)[0] if extra else 0
        elif length == 127:
            extra = self._read(8)
            length = struct.unpack(">Q", extra)[0] if extra else 0
        mask = self._read(4) if masked else b""
        payload = self._read(length) if length else b""
        if mask is None or payload is None or not masked:
            return None  # RFC 6455 5.1: a server closes on an unmasked client frame
        data = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
        return WsFrame(opcode, data)

    def send(self, opcode: int, payload: bytes) -> None:
        length = len(payload)
        if length < 126:
            head = struct.pack(">BB", 0x80 | opcode, length)
        elif length < 1 << 16:
            head = struct.pack(">BBH", 0x80 | opcode, 126, length)
        else:
            head = struct.pack(">BBQ", 0x80 | opcode, 127, length)
        self.writer.write(head + payload)
        self.writer.flush()

    def send_text(self, text: str) -> None:
        self.send(OP_TEXT, text.encode("utf-8"))

    def serve(self, on_text: Callable[[str], None], stopping: Callable[[], bool]) -> None:
        """Read frames until the client closes, the connection drops or ``stopping()``."""
        while not stopping():
            if not self.readable(0.2):
                continue
            try:
                frame = self.read_frame()
            except OSError:
                return
            if frame is None:
                return
            if frame.opcode == OP_CLOSE:
                self.send(OP_CLOSE, frame.payload[:2])
                return
            if frame.opcode == OP_PING:
                self.send(OP_PONG, frame.payload)
            elif frame.opcode == OP_TEXT:
                on_text(frame.payload.decode("utf-8", "replace"))

    def _read(self, count: int) -> bytes | None:
        data = b""
        while len(data) < count:
            chunk = self.reader.read(count - len(data))
            if not chunk:
                return None
            data += chunk
        return data
