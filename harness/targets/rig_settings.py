"""Reading one backend's YAML mapping: typed values, unknown keys, secrets and TLS.

The keys of every backend are also described by a pydantic model (``harness.config.parts``:
``backends_rig`` for capture, ch9329, line_hid, pikvm, redfish, ipmi, command, manual;
``backends_virtual`` for sim, libvirt, hyperv, desktop), which the lab loader checks first. A key
a backend reads here must be in its model too.

Every rig backend (``capture``, ``ch9329``, ``pikvm``, ``redfish`` ...) validates its settings with
a ``SettingsReader`` so that a wrong key is reported the same way everywhere: a ``ConfigError``
naming the source (the YAML file and the part, e.g. ``lab.yaml: devices.laptop-07.power``) and the
key. Secrets are read from an environment variable (``password_env``) or a file
(``password_file``), never from the YAML itself, and are kept in a ``Secret`` whose ``repr`` is
masked so that a log line or a traceback cannot leak them.
"""

from __future__ import annotations

import logging
import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import ConfigError

_log = logging.getLogger(__name__)
_REQUIRED: Any = object()


@dataclass(frozen=True)
class Secret:
    """A password. ``str()`` and ``repr()`` are masked; ``reveal()`` is the only way in."""

    _value: str

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


class SettingsReader:
    """Typed access to a backend's settings; ``finish()`` rejects keys nobody asked for."""

    def __init__(self, settings: Mapping[str, Any], *, source: str) -> None:
        if not isinstance(settings, Mapping):
            raise ConfigError(
                f"expected a mapping of settings, found {type(settings).__name__}", source=source
            )
        self.settings = settings
        self.source = source
        self._seen: set[str] = set()

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(message, source=self.source, key=key)

    def has(self, key: str) -> bool:
        self._seen.add(key)
        return key in self.settings

    def _get(self, key: str, default: Any) -> Any:
        self._seen.add(key)
        if key in self.settings and self.settings[key] is not None:
            return self.settings[key]
        if default is _REQUIRED:
            raise self.error(key, "this setting is required")
        return default

    def text(self, key: str, default: Any = _REQUIRED) -> Any:
        value = self._get(key, default)
        if value is not default and not isinstance(value, str):
            raise self.error(key, f"expected a string, found {value!r}")
        return value

    def integer(self, key: str, default: Any = _REQUIRED, *, minimum: int | None = None) -> Any:
        value = self._get(key, default)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"expected an integer, found {value!r}")
        if minimum is not None and value < minimum:
            raise self.error(key, f"expected an integer >= {minimum}, found {value}")
        return value

    def number(self, key: str, default: Any = _REQUIRED, *, minimum: float = 0.0) -> Any:
        value = self._get(key, default)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, f"expected a number, found {value!r}")
        if value < minimum:
            raise self.error(key, f"expected a number >= {minimum}, found {value}")
        return float(value)

    def identifier(self, key: str, default: Any = _REQUIRED) -> Any:
        """A name or a number (``system_id: 1`` or ``system_id: abc-123``), as a string."""
        value = self._get(key, default)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.error(key, f"expected a name or a number, found {value!r}")
        return str(value)

    def flag(self, key: str, default: Any = _REQUIRED) -> Any:
        value = self._get(key, default)
        if value is not default and not isinstance(value, bool):
            raise self.error(key, f"expected true or false, found {value!r}")
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: Any = _REQUIRED) -> Any:
        value = self.text(key, default)
        if value is not default and value not in choices:
            raise self.error(key, f"expected one of {', '.join(choices)}, found {value!r}")
        return value

    def text_list(self, key: str, default: Any = _REQUIRED) -> Any:
        value = self._get(key, default)
        if value is default:
            return value
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(item, str) for item in value)
        ):
            raise self.error(key, f"expected a non-empty list of strings, found {value!r}")
        return list(value)

    def text_map(self, key: str, default: Any = _REQUIRED) -> Any:
        value = self._get(key, default)
        if value is default:
            return value
        if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise self.error(key, f"expected a mapping of strings to strings, found {value!r}")
        return dict(value)

    def secret(self, prefix: str = "password", *, required: bool = True) -> Secret | None:
        """Read ``<prefix>_env`` (a variable's name) or ``<prefix>_file`` (a path), no literal."""
        self._seen.add(prefix)
        if prefix in self.settings:
            raise self.error(
                prefix,
                f"a literal {prefix} is not accepted: use {prefix}_env (an environment variable "
                f"name) or {prefix}_file (a file holding it)",
            )
        env_name = self.text(f"{prefix}_env", None)
        file_name = self.text(f"{prefix}_file", None)
        if env_name and file_name:
            raise self.error(f"{prefix}_env", f"give {prefix}_env or {prefix}_file, not both")
        if env_name:
            value = os.environ.get(env_name)
            if value is None:
                raise self.error(f"{prefix}_env", f"environment variable {env_name} is not set")
            return Secret(value)
        if file_name:
            path = Path(file_name).expanduser()
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as problem:
                raise self.error(
                    f"{prefix}_file", f"cannot read {path}: {problem.strerror}"
                ) from None
            return Secret(text.rstrip("\r\n"))
        if required:
            raise self.error(f"{prefix}_env", f"give {prefix}_env or {prefix}_file")
        return None

    def tls_context(self, url: str) -> ssl.SSLContext | None:
        """TLS settings for ``url``: verification on unless ``verify_tls: false`` (logged)."""
        verify = self.flag("verify_tls", True)
        ca_file = self.text("ca_file", None)
        if not url.startswith("https://"):
            return None
        if not verify:
            if ca_file:
                raise self.error("ca_file", "ca_file makes no sense with verify_tls: false")
            _log.warning(
                "%s: TLS certificate verification is OFF for %s (verify_tls: false)",
                self.source,
                url,
            )
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return context
        if ca_file:
            path = Path(ca_file).expanduser()
            if not path.is_file():
                raise self.error("ca_file", f"no such file: {path}")
            return ssl.create_default_context(cafile=str(path))
        return ssl.create_default_context()

    def finish(self) -> None:
        unknown = sorted(str(key) for key in self.settings if key not in self._seen)
        if unknown:
            known = ", ".join(sorted(self._seen))
            raise self.error(unknown[0], f"unknown setting; known settings: {known}")


def check_role(role: str, allowed: tuple[str, ...], *, backend: str, source: str) -> None:
    if role not in allowed:
        raise ConfigError(
            f"backend {backend!r} cannot serve as {role!r}; it serves: {', '.join(allowed)}",
            source=source,
            key="backend",
        )
