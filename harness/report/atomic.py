"""Replace a file so that a reader (or a crash) sees the old content or the new, never half."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically: temp file in the same folder, fsync, ``os.replace``.

    The temp file must live in the same folder (same file system) for ``os.replace`` to be an
    atomic rename. The folder is fsynced too, so the rename itself survives a power cut.
    """
    folder = path.parent
    handle, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            # mkstemp creates the file 0600; a run record is meant to be read by others.
            os.fchmod(stream.fileno(), 0o644)
            os.fsync(stream.fileno())
        # Path.replace is os.replace: an atomic rename within one file system.
        Path(temp_name).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temp_name).unlink()
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    # Not every file system lets a folder be opened for fsync; the rename is atomic regardless.
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
