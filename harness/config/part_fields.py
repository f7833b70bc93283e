"""Field types shared by the backend settings models (``backends_rig``, ``backends_virtual``).

A model describes one backend's YAML mapping (without ``backend``): the keys that exist, their
types and bounds, and their defaults. The backend module still reads the same mapping itself
(``SettingsReader``) and checks the rules that tie keys together; the model is what the lab
loader checks before anything is built, and what ``docs/configuration.md`` is generated from.

Secrets are never literal: ``password_env`` names an environment variable and ``password_file`` a
file. Fields made with ``secret_env``/``secret_file`` are marked, so that the lab loader can
collect every secret a device names and the run masks them everywhere it writes.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from harness.config.validation import Number, StrictModel, Text

SECRET_MARK = "secret"  # noqa: S105  (the name of a marker, not a password)
"""``json_schema_extra`` key of a secret reference field: its value is ``env`` or ``file``."""


def _http_url(text: str) -> str:
    if not re.match(r"^https?://\S+$", text):
        raise ValueError("expected an http:// or https:// URL")
    return text


Url = Annotated[str, Field(strict=True), AfterValidator(_http_url)]
"""An ``http://`` or ``https://`` URL."""


def positive(minimum: float, default: float | None, description: str) -> Any:
    """A number >= ``minimum`` (seconds, frames per second ...)."""
    return Field(default, ge=minimum, strict=True, description=description)


def secret_env(description: str = "name of the environment variable holding the password") -> Any:
    return Field(None, description=description, json_schema_extra={SECRET_MARK: "env"})


def secret_file(description: str = "file holding the password (one line)") -> Any:
    return Field(None, description=description, json_schema_extra={SECRET_MARK: "file"})


class PasswordSettings(StrictModel):
    """``password_env`` or ``password_file`` (never both). A literal ``password`` is refused by
    the lab loader before validation, so that no error message can quote it."""

    password_env: Text | None = secret_env()
    password_file: Text | None = secret_file()

    @model_validator(mode="after")
    def _one_source(self) -> PasswordSettings:
        if self.password_env and self.password_file:
            raise ValueError("give password_env or password_file, not both")
        return self


class TlsSettings(StrictModel):
    """Certificate checks of an HTTPS peer: on unless ``verify_tls: false`` (logged)."""

    verify_tls: bool = Field(True, strict=True, description="check the peer's TLS certificate")
    ca_file: Text | None = Field(None, description="CA certificate (PEM) of the peer")
    tls_fingerprint: Text | None = Field(
        None,
        description="sha256:AB:CD:... pins the peer's certificate (replaces ca_file/verify_tls)",
    )


Timeout = Number
Transport = Literal["local", "winrm"]
