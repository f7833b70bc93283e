"""Stopping the processes a test starts: by PID, and with their pipes closed.

A pipe left open is reported by the garbage collector whenever it next runs, which makes some
later, unrelated test fail; so every stop here also closes what the test read from.
"""

from __future__ import annotations

import os
import signal
import subprocess


def stop(
    process: subprocess.Popen, *, how: signal.Signals = signal.SIGTERM, timeout_s: float = 15
) -> int:
    """Send ``how`` to the process (by PID) if it still runs, wait, SIGKILL if it will not go;
    close its pipes. Returns its exit code."""
    try:
        if process.poll() is None:
            os.kill(process.pid, how)
            try:
                process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        return process.returncode
    finally:
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()
