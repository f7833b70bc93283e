"""A small HTTP client for the rig's control APIs (PiKVM, Redfish), on the standard library.

Both APIs are a handful of calls (GET a JSON document, POST an action, GET a JPEG), so
``urllib.request`` covers them: it verifies TLS with a given ``SSLContext``, takes a timeout per
request and needs no dependency in the harness core. Errors become rig errors that name the
method and URL; a refused connection or a timeout is ``ConnectionLost``. Header values (passwords)
never appear in messages.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from harness.errors import ConnectionLost


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body else None


class HttpClient:
    def __init__(
        self,
        base_url: str,
        *,
        headers: dict[str, str] | None = None,
        tls: ssl.SSLContext | None = None,
        timeout_s: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = dict(headers or {})
        self._tls = tls
        self.timeout_s = timeout_s

    def request(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, str] | None = None,
        json_body: Any = None,
    ) -> HttpResponse:
        """Send one request; any HTTP status comes back as a response, never as an exception."""
        url = self.base_url + path + (f"?{urlencode(query)}" if query else "")
        data = None
        headers = dict(self._headers)
        if json_body is not None:
            data = json.dumps(json_body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310 - http(s) URL from config
        try:
            with urllib.request.urlopen(  # noqa: S310 - http(s) URL from config
                request, timeout=self.timeout_s, context=self._tls
            ) as answer:
                return HttpResponse(answer.status, answer.read(), dict(answer.headers.items()))
        except urllib.error.HTTPError as answer:
            return HttpResponse(answer.code, answer.read(), dict(answer.headers.items()))
        except (urllib.error.URLError, OSError, TimeoutError) as problem:
            reason = getattr(problem, "reason", problem)
            raise ConnectionLost(f"{method} {url}: {reason}") from problem
