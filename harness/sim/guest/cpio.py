"""A reproducible initramfs: the "newc" cpio format, written by hand, gzip-compressed.

Written here rather than with cpio(1) so that device nodes (``/dev/console``, ``/dev/urandom``)
need no mknod on the build host, and so that every owner is root and every time stamp 0: the
same inputs give the same bytes.
"""

from __future__ import annotations

import gzip
import os
import stat
from dataclasses import dataclass
from pathlib import Path

_TRAILER = "TRAILER!!!"


@dataclass(frozen=True)
class DeviceNode:
    path: str
    """Inside the archive, without a leading slash: ``dev/console``."""
    major: int
    minor: int
    mode: int = stat.S_IFCHR | 0o600


def write_initramfs(root: Path, out: Path, nodes: tuple[DeviceNode, ...] = ()) -> int:
    """Pack ``root`` (and ``nodes``) into ``out`` as a gzip'd newc cpio; returns its size."""
    with (
        out.open("wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0, compresslevel=6) as gz,
    ):
        inode = 1
        for path in sorted(_walk(root)):
            relative = path.relative_to(root).as_posix()
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                data = str(path.readlink()).encode()
                mode = stat.S_IFLNK | 0o777
            elif stat.S_ISDIR(info.st_mode):
                data, mode = b"", stat.S_IFDIR | 0o755
            else:
                data = path.read_bytes()
                mode = stat.S_IFREG | (0o755 if info.st_mode & 0o111 else 0o644)
            gz.write(_entry(relative, mode, data, inode))
            inode += 1
        for node in nodes:
            gz.write(_entry(node.path, node.mode, b"", inode, rdev=(node.major, node.minor)))
            inode += 1
        gz.write(_entry(_TRAILER, 0, b"", 0))
    return out.stat().st_size


def _walk(root: Path) -> list[Path]:
    found = []
    for directory, subdirs, files in os.walk(root):
        for name in subdirs + files:
            found.append(Path(directory) / name)
    return found


def _entry(name: str, mode: int, data: bytes, inode: int, rdev: tuple[int, int] = (0, 0)) -> bytes:
    encoded = name.encode() + b"\0"
    fields = (
        inode,
        mode,
        0,  # uid
        0,  # gid
        2 if stat.S_ISDIR(mode) else 1,  # nlink
        0,  # mtime
        len(data),
        0,  # dev major
        0,  # dev minor
        rdev[0],
        rdev[1],
        len(encoded),
        0,  # check
    )
    header = b"070701" + b"".join(f"{value:08x}".encode() for value in fields)
    entry = header + encoded
    entry += b"\0" * (-len(entry) % 4)
    entry += data
    entry += b"\0" * (-len(entry) % 4)
    return entry
