"""The app registration's credential, read from where the lab file says (never from the file).

A certificate is preferred over a client secret (Microsoft's advice for apps): msal signs a
client assertion with the private key and never sends the key. Both come from files or the
environment; every value read here is returned in ``secrets`` so that the run masks it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import ConfigError
from harness.intune.settings import IntuneAppSettings


@dataclass(frozen=True)
class ClientCredential:
    msal_credential: Any = None
    """What ``msal.ConfidentialClientApplication(client_credential=...)`` takes."""
    kind: str = "secret"
    """``certificate`` or ``secret`` (said in the log, never the value)."""
    secrets: tuple[str, ...] = ()

    def __repr__(self) -> str:  # a credential printed by accident shows nothing
        return f"ClientCredential(kind={self.kind!r})"


def read_credential(app: IntuneAppSettings, *, source: str = "lab file") -> ClientCredential:
    if app.certificate_file and app.private_key_file:
        certificate = _read(app.certificate_file, "intune.certificate_file", source)
        key = _read(app.private_key_file, "intune.private_key_file", source)
        credential: dict[str, str] = {"private_key": key, "public_certificate": certificate}
        secrets = [key]
        if app.private_key_passphrase_env:
            passphrase = _env(app.private_key_passphrase_env, "intune.private_key_passphrase_env")
            credential["passphrase"] = passphrase
            secrets.append(passphrase)
        return ClientCredential(credential, "certificate", tuple(secrets))
    if app.client_secret_env:
        secret = _env(app.client_secret_env, "intune.client_secret_env", source)
    else:
        assert app.client_secret_file is not None
        secret = _read(app.client_secret_file, "intune.client_secret_file", source).strip()
    if not secret:
        raise ConfigError("the client secret is empty", source=source, key="intune")
    return ClientCredential(secret, "secret", (secret,))


def _read(path: str, key: str, source: str) -> str:
    try:
        return Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        # The path is named, the content never.
        raise ConfigError(
            f"cannot read {path}: {type(problem).__name__}", source=source, key=key
        ) from None


def _env(name: str, key: str, source: str = "lab file") -> str:
    value = os.environ.get(name)
    if not value:
        raise ConfigError(f"the environment variable {name} is not set", source=source, key=key)
    return value
