"""A line-protocol keyboard helper (openQA convention) and the key-line server it talks to.

The helper is what a Raspberry Pi gadget keyboard runs: it reads one key combo per line on stdin
(``super``, ``ret``, ``ctrl-shift-d``), checks it, and answers ``ok`` per line. Here it forwards
each line over TCP to a ``KeyLineServer`` that presses the keys on an in-process simulated device
and answers ``ok`` (or ``error ...``), which the helper passes back.

    python -m harness.sim.peers.line_helper --connect 127.0.0.1:PORT

Faults for tests: ``--answer-wrong-after N`` answers ``busy`` from the (N+1)-th line on,
``--exit-after N`` exits with code 3 after N lines, ``--silent-after N`` stops answering.
Without ``--connect`` the helper only checks and acknowledges the lines.
"""

from __future__ import annotations

import argparse
import socket
import socketserver
import sys
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from harness.errors import ConfigError
from harness.keys import parse_chord

if TYPE_CHECKING:  # the helper process itself stays light: no numpy, no OpenCV
    from harness.targets.protocols import Keyboard


class KeyLineServer(socketserver.ThreadingTCPServer):
    """Presses each received key line on ``keyboard``; answers ``ok`` or ``error <why>``."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, keyboard: Keyboard, *, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__((host, port), _KeyLineHandler)
        self.keyboard = keyboard
        self.lines: list[str] = []
        self.lock = threading.Lock()

    @property
    def address(self) -> str:
        host, port = self.server_address[:2]
        return f"{host}:{port}"

    def start(self) -> KeyLineServer:
        threading.Thread(target=self.serve_forever, name="key-lines", daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _KeyLineHandler(socketserver.StreamRequestHandler):
    server: KeyLineServer

    def handle(self) -> None:
        for raw in self.rfile:
            line = raw.decode("utf-8").strip()
            answer = "ok"
            try:
                keys = parse_chord(line)
                with self.server.lock:
                    self.server.lines.append(line)
                    if len(keys) == 1:
                        self.server.keyboard.press(keys[0], 0.0)
                    else:
                        self.server.keyboard.chord(keys, 0.0)
            except Exception as problem:  # answered, not raised: the helper reports it
                answer = f"error {problem}"
            self.wfile.write((answer + "\n").encode("utf-8"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connect", help="HOST:PORT of a key-line server to forward lines to")
    parser.add_argument("--answer-wrong-after", type=int, default=None)
    parser.add_argument("--exit-after", type=int, default=None)
    parser.add_argument("--silent-after", type=int, default=None)
    args = parser.parse_args(argv)
    upstream = None
    if args.connect:
        host, _, port = args.connect.rpartition(":")
        upstream = socket.create_connection((host, int(port)), timeout=10).makefile("rw")
    count = 0
    for raw in sys.stdin:
        line = raw.strip()
        if args.exit_after is not None and count >= args.exit_after:
            print(f"line_helper: exiting after {count} lines as asked", file=sys.stderr)
            return 3
        count += 1
        if args.silent_after is not None and count > args.silent_after:
            continue
        if args.answer_wrong_after is not None and count > args.answer_wrong_after:
            print("busy", flush=True)
            continue
        try:
            parse_chord(line)
        except ConfigError as problem:
            print(f"error {problem}", flush=True)
            continue
        if upstream is not None:
            upstream.write(line + "\n")
            upstream.flush()
            print(upstream.readline().strip(), flush=True)
        else:
            print("ok", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
