"""Reading a YAML data file with errors that name the file (the one way every loader does it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from harness.errors import ConfigError


def load_yaml(path: Path) -> Any:
    """The parsed document; an unreadable or invalid file raises ``ConfigError`` naming it."""
    source = str(path)
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as problem:
        raise ConfigError(f"cannot read: {problem.strerror}", source=source) from None
    except yaml.YAMLError as problem:
        raise ConfigError(f"not valid YAML: {problem}", source=source) from None
