"""What every part of the PiKVM backend shares: settings, kvmd's auth headers, its error form.

From kvmd's source (``kvmd/apps/kvmd/api/auth.py``, ``auth.py``, ``htserver.py``):

- ``X-KVMD-User`` + ``X-KVMD-Passwd`` on a request: a wrong password is **403** (Forbidden); no
  credentials at all is **401**. With two-factor auth on (``/etc/kvmd/totp.secret`` not empty)
  kvmd takes the last 6 characters of the password as the TOTP code (``pyotp``,
  ``valid_window=1``): the password header is then ``password + code``, computed per request
  from ``totp_secret_env`` / ``totp_secret_file`` (the base32 secret ``kvmd-totp`` shows).
- Errors are ``{"ok": false, "result": {"error": NAME, "error_msg": ...}}``; ``IsBusyError``
  (an ATX click still running) is **409**, ``OperationError`` (``ATX is disabled``) is **400**.
- The API is behind nginx on HTTPS; ``http://`` is answered with a 301 to https, and a
  redirected POST comes back as a GET (405). ``http://`` URLs are refused at load time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
import requests.auth

from harness.targets.http_client import (
    HttpClient,
    HttpResponse,
    TlsSettings,
    read_tls,
    redact,
    refuse_userinfo,
)
from harness.targets.rig_settings import Secret, SettingsReader

TLS_HINT = (
    "PiKVM's stock certificate is self-signed for CN=localhost without a subject alternative "
    "name, so ca_file cannot match its host name: pin it with tls_fingerprint: sha256:... "
    "(openssl s_client -connect HOST:443 </dev/null | openssl x509 -noout -fingerprint -sha256)"
)


class KvmdAuth(requests.auth.AuthBase):
    """kvmd's header auth, with the TOTP code appended per request when 2FA is on."""

    def __init__(self, user: str, password: Secret, totp_secret: Secret | None) -> None:
        self.user = user
        self._password = password
        self._totp_secret = totp_secret

    def headers(self) -> dict[str, str]:
        password = self._password.reveal()
        if self._totp_secret is not None:
            import pyotp

            password += pyotp.TOTP(self._totp_secret.reveal()).now()
        return {"X-KVMD-User": self.user, "X-KVMD-Passwd": password}

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers.update(self.headers())
        return request

    def __repr__(self) -> str:
        return f"KvmdAuth(user={self.user!r}, password='***')"


def api_error(response: HttpResponse) -> str:
    """One line for a kvmd error answer, with what to do for the statuses that have a cause."""
    try:
        result = (response.json() or {}).get("result", {})
        detail = result.get("error_msg") or result.get("error") or ""
    except (ValueError, AttributeError):
        detail = response.body[:200].decode("utf-8", "replace")
    if response.status == 401:
        detail = f"no credentials accepted (401) {detail}".strip()
    elif response.status == 403:
        detail = (
            f"wrong user or password (403); with two-factor auth on, set totp_secret_env {detail}"
        ).strip()
    elif response.status in (301, 302, 307, 308):
        location = redact(response.headers.get("Location", "?"))
        detail = f"redirected to {location}: use the https:// URL"
    return f"HTTP {response.status} {detail}".strip()


@dataclass(frozen=True)
class PiKvmSettings:
    url: str
    auth: KvmdAuth
    tls: TlsSettings
    timeout_s: float
    power_timeout_s: float
    power_poll_s: float
    busy_timeout_s: float
    stream_start_timeout_s: float

    def client(self) -> HttpClient:
        return HttpClient(self.url, auth=self.auth, tls=self.tls, timeout_s=self.timeout_s)


def read_settings(settings: Mapping[str, Any], *, source: str) -> PiKvmSettings:
    reader = SettingsReader(settings, source=source)
    url = reader.text("url")
    if url.startswith("http://"):
        raise reader.error(
            "url",
            "PiKVM serves its API on https:// only: nginx answers http:// with a 301 to "
            "https://, and a redirected POST arrives as a GET (HTTP 405). Use "
            f"{'https://' + url[len('http://') :]!r} and pin its certificate with "
            "tls_fingerprint",
        )
    if not url.startswith("https://"):
        raise reader.error("url", f"expected an https:// URL, got {url!r}")
    refuse_userinfo(reader, url)
    user = reader.text("user", "admin")
    password = reader.secret("password")
    totp_secret = reader.secret("totp_secret", required=False)
    tls = read_tls(reader, url)
    parsed = PiKvmSettings(
        url=url,
        auth=KvmdAuth(user, password, totp_secret),  # type: ignore[arg-type]
        tls=tls,
        timeout_s=reader.number("timeout_s", 10.0, minimum=0.1),
        power_timeout_s=reader.number("power_timeout_s", 30.0, minimum=0.1),
        power_poll_s=reader.number("power_poll_s", 0.5, minimum=0.01),
        busy_timeout_s=reader.number("busy_timeout_s", 20.0, minimum=0.0),
        stream_start_timeout_s=reader.number("stream_start_timeout_s", 10.0, minimum=0.0),
    )
    reader.finish()
    if totp_secret is not None:
        _check_totp_secret(reader, totp_secret)
    return parsed


def _check_totp_secret(reader: SettingsReader, secret: Secret) -> None:
    try:
        import pyotp
    except ImportError:
        raise reader.error(
            "totp_secret_env", "two-factor auth needs pyotp (pip install pyotp)"
        ) from None
    try:
        pyotp.TOTP(secret.reveal()).now()
    except (ValueError, TypeError) as problem:
        # The value is not in the message: it is a secret.
        raise reader.error(
            "totp_secret_env",
            f"not a usable base32 TOTP secret (the one kvmd-totp init printed): {problem}",
        ) from None
