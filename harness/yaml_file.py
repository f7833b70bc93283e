"""Reading a YAML data file with errors that name the file (the one way every loader does it).

Data files are UTF-8 (a UTF-8 byte-order mark is tolerated: Windows editors write one). A file in
another encoding is refused with the encoding named, rather than read as mojibake or failing deep
inside the YAML parser: a UTF-16 file saved by Notepad or a Latin-1 file with an accented
organisation name would otherwise give a confusing error or, worse, a wrong expectation.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import yaml

from harness.errors import ConfigError

_FOREIGN_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_SAVE_AS_UTF8 = "save it as UTF-8"


def read_utf8(path: Path) -> str:
    """The file's text; ``ConfigError`` naming the file when unreadable or not UTF-8."""
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as problem:
        raise ConfigError(f"cannot read: {problem.strerror}", source=source) from None
    for bom, name in _FOREIGN_BOMS:
        if raw.startswith(bom):
            raise ConfigError(
                f"expected UTF-8 text, found {name} (byte-order mark {bom.hex(' ')}): "
                f"{_SAVE_AS_UTF8}",
                source=source,
            )
    if b"\x00" in raw:
        # NUL is valid UTF-8 but never in a text file: UTF-16 without a byte-order mark.
        raise ConfigError(
            f"expected UTF-8 text, found NUL bytes (probably UTF-16 without a byte-order "
            f"mark): {_SAVE_AS_UTF8}",
            source=source,
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = raw[: problem.start].count(b"\n") + 1
        byte = raw[problem.start : problem.start + 1].hex()
        raise ConfigError(
            f"expected UTF-8 text, found byte 0x{byte} on line {line} that is not UTF-8 "
            f"(probably Latin-1 or cp1252): {_SAVE_AS_UTF8}",
            source=source,
        ) from None


def load_yaml(path: Path) -> Any:
    """The parsed document; an unreadable, non-UTF-8 or invalid file raises ``ConfigError``."""
    text = read_utf8(path)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as problem:
        raise ConfigError(f"not valid YAML: {problem}", source=str(path)) from None
