"""The parts of an MJPEG-over-HTTP stream (``multipart/x-mixed-replace``), as bytes, undecoded.

What ustreamer (PiKVM's streamer, ``src/ustreamer/http/server.c``) sends, and what this reads:
an HTTP/1.0 answer with ``Content-Type: multipart/x-mixed-replace;boundary=boundarydonotcross``,
then ``--boundarydonotcross`` and, per frame, part headers (``Content-Type: image/jpeg``,
``Content-Length: N``, ``X-Timestamp``, optionally ``X-UStreamer-*``), an empty line, N bytes of
JPEG, ``\\r\\n--boundarydonotcross\\r\\n``. Other encoders put the boundary before each part
instead of after it, quote the boundary, or leave out ``Content-Length`` (ustreamer's
``advance_headers`` mode): without a length, the part ends where the next boundary line starts.
A part with ``Content-Length: 0`` (ustreamer's ``zero_data``) carries no picture and is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol

MAX_HEADER_LINE = 8192
"""A longer line is no part header: the stream is not what it claims to be."""
MAX_PART_BYTES = 64 * 1024 * 1024
"""A JPEG larger than this (8K at the best quality is about 20 MB) is a broken stream."""


class StreamFormatError(ValueError):
    """The bytes are not a multipart stream (a wrong URL, an HTML page, a cut part)."""


class BufferedBinary(Protocol):
    """What the parser reads from: a buffered binary stream (``http.client.HTTPResponse``)."""

    def readline(self, limit: int = -1, /) -> bytes: ...

    def read(self, amount: int = -1, /) -> bytes: ...


def boundary_of(content_type: str) -> bytes:
    """The boundary of a ``multipart/x-mixed-replace`` Content-Type, without leading dashes."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if not kind.startswith("multipart/"):
        raise StreamFormatError(f"not a multipart stream: Content-Type {content_type!r}")
    match = re.search(r'boundary\s*=\s*"?([^";]+)"?', content_type, re.IGNORECASE)
    if match is None:
        raise StreamFormatError(f"no boundary in Content-Type {content_type!r}")
    # Some encoders declare the boundary with its dashes ("boundary=--myboundary").
    return match.group(1).strip().lstrip("-").encode("latin-1")


def iter_parts(stream: BufferedBinary, boundary: bytes) -> Iterator[bytes]:
    """Yield the body of every part with a body, in order, until the stream ends.

    Raises ``StreamFormatError`` when the bytes are not parts of this boundary.
    """
    marker = b"--" + boundary
    _skip_to_boundary(stream, marker)
    while True:
        length = _read_part_headers(stream)
        if length == _ENDED:
            return  # the connection closed between parts (or inside headers): reconnect
        if length is None:
            body, ended = _read_until_boundary(stream, marker)
        else:
            if length > MAX_PART_BYTES:
                raise StreamFormatError(f"part of {length} bytes (at most {MAX_PART_BYTES})")
            body = stream.read(length)
            if len(body) < length:
                return  # the connection closed inside a part: the caller reconnects
            ended = not _skip_to_boundary(stream, marker, eof_ok=True)
        if body:
            yield body
        if ended:
            return


def _skip_to_boundary(stream: BufferedBinary, marker: bytes, *, eof_ok: bool = False) -> bool:
    """Read up to and including the next boundary line; False at the end of the stream.

    Only blank lines may come before it (the CRLF that ends a part's body)."""
    while True:
        line = stream.readline(MAX_HEADER_LINE)
        if not line:
            if eof_ok:
                return False
            raise StreamFormatError("the stream ended before its first boundary")
        stripped = line.strip()
        if stripped.startswith(marker):
            return not stripped.startswith(marker + b"--")  # "--boundary--" closes the stream
        if stripped:
            raise StreamFormatError(f"expected the boundary {marker!r}, got {stripped[:60]!r}")


_ENDED = -1


def _read_part_headers(stream: BufferedBinary) -> int | None:
    """Read a part's headers up to the empty line; its Content-Length, if it has one, or
    ``_ENDED`` when the stream ended first."""
    length: int | None = None
    while True:
        line = stream.readline(MAX_HEADER_LINE)
        if not line:
            return _ENDED
        if not line.endswith(b"\n"):
            raise StreamFormatError("a part header line is too long")
        stripped = line.strip()
        if not stripped:
            return length
        name, _, value = stripped.partition(b":")
        if name.strip().lower() == b"content-length":
            try:
                length = int(value.strip())
            except ValueError:
                length = -2
            if length < 0:
                raise StreamFormatError(f"bad Content-Length {value.strip()[:20]!r}")


def _read_until_boundary(stream: BufferedBinary, marker: bytes) -> tuple[bytes, bool]:
    """A part without Content-Length: its lines up to the next boundary line (whose CRLF before
    it belongs to the boundary). Returns (body, stream ended)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        line = stream.readline(1024 * 1024)
        if not line:
            return b"", True  # cut inside a part: incomplete, nothing to keep
        if line.startswith(marker) and (not chunks or chunks[-1].endswith(b"\n")):
            body = b"".join(chunks)
            if body.endswith(b"\r\n"):
                body = body[:-2]
            elif body.endswith(b"\n"):
                body = body[:-1]
            return body, line.strip().startswith(marker + b"--")
        chunks.append(line)
        size += len(line)
        if size > MAX_PART_BYTES:
            raise StreamFormatError(f"a part without Content-Length over {MAX_PART_BYTES} bytes")
