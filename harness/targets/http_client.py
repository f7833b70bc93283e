"""The HTTP client of the rig's control APIs (PiKVM, Redfish), on ``requests`` + ``urllib3``.

What the backends need from it, and why this library: one ``requests.Session`` per device keeps
the TLS connection open between calls (a BMC that limits sessions or handshakes per minute is
not hammered); every request has a timeout; a refused connection is retried with backoff, and an
answer ``429/503 + Retry-After`` is retried after the delay the server asked for (capped at
``MAX_RETRY_AFTER_S``), through urllib3's ``Retry``. A ``503`` *without* ``Retry-After`` is
answered at once (kvmd's snapshot 503 means "no streamer", waiting would not help).

TLS (``TlsSettings``, read by ``read_tls``): verification on by default; ``ca_file`` for a
private CA; ``tls_fingerprint: sha256:..`` pins the server's certificate instead (urllib3's
``assert_fingerprint``, checked right after the handshake and before any header - a password - is
sent). A pinned certificate needs no matching host name: that is the way for PiKVM's stock
certificate (self-signed, CN=localhost, no SAN). ``verify_tls: false`` still works, logged.

Redirects are never followed: a 301 from http:// to https:// turns a POST into a GET on the way
and may carry credentials elsewhere; the backend sees the 3xx and says what to configure.
``trust_env`` is off: no proxy from the environment, no ``.netrc`` credentials. Messages name the
method and the path, never a password, a header value or a URL's user-info.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import socket
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters
import requests.auth
import urllib3.util.retry

from harness.errors import ConnectionLost
from harness.targets.rig_settings import SettingsReader

_log = logging.getLogger(__name__)

MAX_RETRY_AFTER_S = 30.0
_FINGERPRINT = re.compile(r"^(?:sha256:)?((?:[0-9a-fA-F]{2}:?){32})$")
_USERINFO = re.compile(r"(//)[^/@\s]+@")


def redact(text: str) -> str:
    """``https://user:pw@host`` -> ``https://***@host`` anywhere in ``text``."""
    return _USERINFO.sub(r"\1***@", text)


@dataclass(frozen=True)
class TlsSettings:
    verify: bool | str = True
    """True (system CAs), False (no verification) or a CA file's path."""
    fingerprint: str | None = None
    """SHA-256 of the server's DER certificate, 64 lower-case hex digits, when pinned."""


def certificate_fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def format_fingerprint(hex_digest: str) -> str:
    """``sha256:AB:CD:..`` as ``openssl x509 -noout -fingerprint -sha256`` prints it."""
    pairs = [hex_digest[i : i + 2].upper() for i in range(0, len(hex_digest), 2)]
    return "sha256:" + ":".join(pairs)


def read_tls(reader: SettingsReader, url: str) -> TlsSettings:
    """``verify_tls``, ``ca_file`` and ``tls_fingerprint`` of a backend's settings."""
    verify = reader.flag("verify_tls", True)
    ca_file = reader.text("ca_file", None)
    pinned = reader.text("tls_fingerprint", None)
    if not url.startswith("https://"):
        for key, value in (("ca_file", ca_file), ("tls_fingerprint", pinned)):
            if value:
                raise reader.error(key, f"{key} needs an https:// URL")
        return TlsSettings(verify=verify)
    if pinned:
        match = _FINGERPRINT.match(pinned.strip())
        if match is None:
            raise reader.error(
                "tls_fingerprint",
                "expected sha256: and 64 hex digits (colons allowed), as printed by "
                "'openssl x509 -noout -fingerprint -sha256 -in cert.pem'",
            )
        if ca_file or not verify:
            raise reader.error(
                "tls_fingerprint", "give tls_fingerprint alone: it replaces ca_file / verify_tls"
            )
        return TlsSettings(verify=False, fingerprint=match.group(1).replace(":", "").lower())
    if not verify:
        if ca_file:
            raise reader.error("ca_file", "ca_file makes no sense with verify_tls: false")
        _log.warning(
            "%s: TLS certificate verification is OFF for %s (verify_tls: false); "
            "tls_fingerprint: sha256:... pins the certificate instead",
            reader.source,
            redact(url),
        )
        return TlsSettings(verify=False)
    if ca_file:
        path = Path(ca_file).expanduser()
        if not path.is_file():
            raise reader.error("ca_file", f"no such file: {path}")
        return TlsSettings(verify=str(path))
    return TlsSettings(verify=True)


def refuse_userinfo(reader: SettingsReader, url: str) -> None:
    if urlsplit(url).username is not None:
        raise reader.error(
            "url", "no user or password in the URL: use user: and password_env / password_file"
        )


class _CappedRetry(urllib3.util.retry.Retry):
    """urllib3's Retry, with the server's Retry-After capped (a BMC asking for an hour)."""

    def get_retry_after(self, response: Any) -> float | None:
        delay = super().get_retry_after(response)
        return None if delay is None else min(delay, MAX_RETRY_AFTER_S)


class _PinningAdapter(requests.adapters.HTTPAdapter):
    def __init__(self, fingerprint: str | None, **kwargs: Any) -> None:
        self._fingerprint = fingerprint
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **pool_kwargs: Any) -> None:
        if self._fingerprint:
            pool_kwargs["assert_fingerprint"] = self._fingerprint
        super().init_poolmanager(*args, **pool_kwargs)


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body else None


class HttpClient:
    """One device's HTTP API: a session, its TLS settings, default headers and an auth hook."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: dict[str, str] | None = None,
        auth: requests.auth.AuthBase | None = None,
        tls: TlsSettings | None = None,
        timeout_s: float = 10.0,
        retries: int = 2,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.tls = tls or TlsSettings()
        self.timeout_s = timeout_s
        self.auth = auth
        self._session = requests.Session()
        self._session.trust_env = False
        self._session.headers.update(headers or {})
        self._session.verify = self.tls.verify
        retry = _CappedRetry(
            total=retries,
            connect=retries,
            read=0,  # a request that reached the server is not sent twice (POST actions)
            status=retries,
            redirect=0,
            other=0,
            allowed_methods=None,  # status retries happen only with Retry-After: the server
            status_forcelist=(),  # said it did not act, so even a POST may be repeated
            backoff_factor=0.2,
            respect_retry_after_header=True,
            raise_on_status=False,
            raise_on_redirect=False,
        )
        adapter = _PinningAdapter(self.tls.fingerprint, max_retries=retry)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)

    @property
    def label(self) -> str:
        return redact(self.base_url)

    def request(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, str] | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        timeout_s: float | None = None,
    ) -> HttpResponse:
        """Send one request; any HTTP status comes back as a response, never as an exception."""
        url = path if path.startswith(("http://", "https://")) else self.base_url + path
        try:
            answer = self._session.request(
                method,
                url,
                params=query,
                json=json_body,
                headers=headers,
                auth=self.auth,
                timeout=timeout_s or self.timeout_s,
                allow_redirects=False,
            )
        except requests.RequestException as problem:
            raise ConnectionLost(
                f"{method} {self.label}{_path(path)}: {describe(problem)}"
            ) from None
        return HttpResponse(answer.status_code, answer.content, dict(answer.headers.items()))

    def close(self) -> None:
        self._session.close()


def _path(path: str) -> str:
    return urlsplit(path).path if path.startswith(("http://", "https://")) else path


def describe(problem: BaseException) -> str:
    """The innermost reason of a requests/urllib3 error, without URLs' user-info."""
    inner: Any = problem.args[0] if problem.args else problem
    reason = getattr(inner, "reason", None) or inner
    text = str(reason)
    if isinstance(problem, requests.exceptions.SSLError):
        text = f"TLS: {text}"
    elif isinstance(problem, requests.exceptions.Timeout):
        text = f"timed out ({text})"
    return redact(text)


def open_tls_socket(url: str, tls: TlsSettings, timeout_s: float) -> socket.socket:
    """A connected (and for https, verified or pinned) socket to ``url``'s host, for protocols
    that need the raw connection (kvmd's websocket). Same rules as ``HttpClient``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme in ("https", "wss") else 80)
    sock = socket.create_connection((host, port), timeout=timeout_s)
    if parts.scheme not in ("https", "wss"):
        return sock
    context = ssl.create_default_context()
    if tls.fingerprint or tls.verify is False:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif isinstance(tls.verify, str):
        context.load_verify_locations(cafile=tls.verify)
    try:
        wrapped = context.wrap_socket(sock, server_hostname=host)
        if tls.fingerprint:
            seen = certificate_fingerprint(wrapped.getpeercert(binary_form=True) or b"")
            if seen != tls.fingerprint:
                wrapped.close()
                raise ssl.SSLError(
                    f"certificate fingerprint {format_fingerprint(seen)} is not the pinned "
                    f"{format_fingerprint(tls.fingerprint)}"
                )
    except BaseException:
        sock.close()
        raise
    return wrapped
