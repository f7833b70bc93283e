"""Keyboard through a line-protocol helper process (openQA's general-hardware convention).

A long-running helper (a Raspberry Pi USB-gadget keyboard, a Pico board's host tool) reads one
key combo per line on its stdin in openQA's spelling (``super``, ``ret``, ``ctrl-shift-d``) and
answers ``ok`` per line on its stdout. The harness starts it from an argv list (never a shell),
waits for each answer with a timeout, and stops it by its PID on ``close()``. Anything other than
``ok`` is ``KeyNotAccepted``; a helper that exits is ``ConnectionLost`` with its exit code and
its last stderr lines.

The protocol has no key-down/key-up: the helper decides how long a key is held (``hold_s`` is
not transmitted).

YAML::

    keyboard:
      backend: line_hid
      command: [/usr/local/bin/hid-gadget-keys, --device, /dev/hidg0]
      answer_timeout_s: 5       # wait this long for each "ok"
"""

from __future__ import annotations

import collections
import contextlib
import logging
import queue
import subprocess
import threading
from collections.abc import Mapping, Sequence
from typing import IO, Any

from harness.errors import ConnectionLost, KeyNotAccepted
from harness.keys import Key, chord_name
from harness.targets.protocols import DEFAULT_HOLD_S
from harness.targets.rig_settings import SettingsReader, check_role

_log = logging.getLogger(__name__)
_EOF = object()


class LineHidKeyboard:
    def __init__(self, command: Sequence[str], *, answer_timeout_s: float = 5.0) -> None:
        self.command = list(command)
        self.answer_timeout_s = answer_timeout_s
        self.lines_sent: list[str] = []
        self._process: subprocess.Popen[str] | None = None
        self._answers: queue.Queue[object] = queue.Queue()
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=5)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        if self._process is not None:
            return
        try:
            self._process = subprocess.Popen(
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                bufsize=1,
            )
        except OSError as problem:
            raise ConnectionLost(
                f"line_hid: cannot start {self.command[0]}: {problem.strerror or problem}"
            ) from problem
        assert self._process.stdout is not None and self._process.stderr is not None
        threading.Thread(
            target=self._pump, args=(self._process.stdout, self._answers), daemon=True
        ).start()
        threading.Thread(
            target=self._pump_stderr, args=(self._process.stderr,), daemon=True
        ).start()
        _log.info("line_hid: started %s (PID %d)", self.command[0], self._process.pid)

    def press(self, key: Key, hold_s: float = DEFAULT_HOLD_S) -> None:
        self.send_line(chord_name([key]))

    def chord(self, keys: Sequence[Key], hold_s: float = DEFAULT_HOLD_S) -> None:
        self.send_line(chord_name(keys))

    def send_line(self, line: str) -> None:
        self.start()
        process = self._process
        assert process is not None and process.stdin is not None
        try:
            process.stdin.write(line + "\n")
            process.stdin.flush()
        except OSError:
            raise ConnectionLost(self._died_message(process, line)) from None
        self.lines_sent.append(line)
        try:
            answer = self._answers.get(timeout=self.answer_timeout_s)
        except queue.Empty:
            raise KeyNotAccepted(
                f"line_hid: no answer to {line!r} within {self.answer_timeout_s:g} s "
                f"from {self.command[0]} (PID {process.pid})"
            ) from None
        if answer is _EOF:
            raise ConnectionLost(self._died_message(process, line))
        if answer != "ok":
            raise KeyNotAccepted(
                f"line_hid: {self.command[0]} answered {answer!r} to {line!r} (expected 'ok')"
            )

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=3)

    def _died_message(self, process: subprocess.Popen[str], line: str) -> str:
        try:
            code = process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            code = None
        stderr = " | ".join(self._stderr_tail) or "no stderr output"
        return (
            f"line_hid: {self.command[0]} (PID {process.pid}) exited "
            f"{'with code ' + str(code) if code is not None else 'its stdout'} while sending "
            f"{line!r}; stderr: {stderr}"
        )

    @staticmethod
    def _pump(stream: IO[str], answers: queue.Queue[object]) -> None:
        with stream:  # the pipe is the thread's: closed at EOF, not left to the collector
            for raw in stream:
                answers.put(raw.strip())
        answers.put(_EOF)

    def _pump_stderr(self, stream: IO[str]) -> None:
        with stream:
            for raw in stream:
                self._stderr_tail.append(raw.rstrip())


def create(role: str, settings: Mapping[str, Any], *, source: str) -> LineHidKeyboard:
    check_role(role, ("keyboard",), backend="line_hid", source=source)
    reader = SettingsReader(settings, source=source)
    keyboard = LineHidKeyboard(
        reader.text_list("command"),
        answer_timeout_s=reader.number("answer_timeout_s", 5.0, minimum=0.01),
    )
    reader.finish()
    return keyboard
