"""A small Microsoft Graph client on ``requests``: versions, paging, throttling, errors.

- ``get``/``post``/``delete`` take a path under a version (``v1.0`` or ``beta``, chosen per call
  by ``service.py`` as the documentation requires) and return the decoded JSON (or None).
- ``get_all`` follows ``@odata.nextLink`` until the last page; a next link that leaves the Graph
  host is refused (the token would go with it).
- Throttling: ``429`` and ``503`` are retried after their ``Retry-After`` (seconds), at most
  ``max_retries`` times; a delay above ``max_retry_after_s`` is not waited for. Graph's
  throttling guidance asks for exactly this: honour Retry-After, back off, bounded.
- ``401``: the token is dropped and the request tried once more with a fresh one; a second
  ``401`` is a clear ``GraphError``.
- Errors name the method, the path, the HTTP status, Graph's ``error.code`` and
  ``error.message`` and the ``request-id`` (what Microsoft support asks for), never the token.

``sleep`` is the run's (simulated time in tests): nobody waits on the wall clock in a test.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import requests

from harness.errors import ConnectionLost, RigError
from harness.intune.auth import TokenSource

RETRIED_STATUSES = (429, 503)
DEFAULT_RETRY_AFTER_S = 5.0


class GraphError(RigError):
    """Graph refused or failed a request. A lab problem (permissions, throttling, an outage),
    not the device's: the run's verdict is ``error`` unless the caller knows better."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.request_id = request_id


class GraphNotFound(GraphError):
    """404: the object does not exist (an unknown ZtdId, an already deleted managed device)."""


class GraphClient:
    def __init__(
        self,
        base_url: str,
        tokens: TokenSource,
        session: requests.Session,
        *,
        timeout_s: float = 30.0,
        max_retries: int = 4,
        max_retry_after_s: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        log: logging.Logger | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._tokens = tokens
        self._session = session
        self._timeout = timeout_s
        self._max_retries = max_retries
        self._max_retry_after = max_retry_after_s
        self._sleep = sleep
        self._log = log or logging.getLogger(__name__)
        self.throttled = 0
        """How many throttled answers (429/503) were waited out."""

    def set_sleep(self, sleep: Callable[[float], None]) -> None:
        self._sleep = sleep

    # -- verbs ---------------------------------------------------------------------------

    def get(self, version: str, path: str, params: dict[str, str] | None = None) -> Any:
        return self.request("GET", self._url(version, path), params=params)

    def post(self, version: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.request("POST", self._url(version, path), body=body or {})

    def delete(self, version: str, path: str) -> None:
        self.request("DELETE", self._url(version, path))

    def get_all(
        self, version: str, path: str, params: dict[str, str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every item of a collection, page after page (``@odata.nextLink``)."""
        url: str | None = self._url(version, path)
        query = params
        while url is not None:
            page = self.request("GET", url, params=query) or {}
            yield from page.get("value", [])
            url = page.get("@odata.nextLink")
            query = None  # the next link carries the whole query (and the skip token)
            if url is not None and not self._same_host(url):
                raise GraphError(f"GET {path}: a next link leaves {self.base_url}; not followed")

    # -- the one request ---------------------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> Any:
        where = f"{method} {urlsplit(url).path}"
        refreshed = False
        throttled = 0
        while True:
            headers = {
                "Authorization": f"Bearer {self._tokens.token()}",
                "Accept": "application/json",
            }
            try:
                response = self._session.request(
                    method,
                    url,
                    params=params,
                    json=body,
                    headers=headers,
                    timeout=self._timeout,
                    allow_redirects=False,
                )
            except requests.RequestException as problem:
                raise ConnectionLost(f"Graph {where}: {type(problem).__name__}") from None
            status = response.status_code
            if status == 401 and not refreshed:
                self._log.info("Graph %s: 401, signing in again once", where)
                self._tokens.invalidate()
                refreshed = True
                continue
            if status in RETRIED_STATUSES and throttled < self._max_retries:
                delay = _retry_after(response)
                if delay <= self._max_retry_after:
                    throttled += 1
                    self.throttled += 1
                    self._log.info(
                        "Graph %s: %d, retrying after %.0f s (%d of %d)",
                        where,
                        status,
                        delay,
                        throttled,
                        self._max_retries,
                    )
                    self._sleep(delay)
                    continue
            if status >= 400:
                raise error_of(where, response, after_refresh=refreshed and status == 401)
            if status == 204 or not response.content:
                return None
            try:
                return response.json()
            except ValueError:
                raise GraphError(f"Graph {where}: {status} with a body that is not JSON") from None

    def _url(self, version: str, path: str) -> str:
        if version not in ("v1.0", "beta"):
            raise ValueError(f"Graph version must be v1.0 or beta: {version!r}")
        return f"{self.base_url}/{version}/{path.lstrip('/')}"

    def _same_host(self, url: str) -> bool:
        mine, theirs = urlsplit(self.base_url), urlsplit(url)
        return (mine.scheme, mine.netloc) == (theirs.scheme, theirs.netloc)


def _retry_after(response: requests.Response) -> float:
    text = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(text))
    except ValueError:
        return DEFAULT_RETRY_AFTER_S


def error_of(where: str, response: requests.Response, *, after_refresh: bool) -> GraphError:
    status = response.status_code
    code = message = None
    request_id = response.headers.get("request-id")
    try:
        error = response.json().get("error", {})
        code, message = error.get("code"), error.get("message")
        inner = error.get("innerError") or error.get("innererror") or {}
        request_id = inner.get("request-id") or request_id
    except (ValueError, AttributeError):
        pass
    text = f"Graph {where}: HTTP {status}"
    if code or message:
        text += f" {code or ''}: {_one_line(message)}"
    if status == 401 and after_refresh:
        text += " (a fresh token was refused too: check the app registration and its consent)"
    if status == 403:
        text += " (the app lacks a permission: see docs/intune.md for the ones each feature needs)"
    if status in RETRIED_STATUSES:
        text += " (still throttled after the allowed retries)"
    if request_id:
        text += f" [request-id {request_id}]"
    kind = GraphNotFound if status == 404 else GraphError
    return kind(text, status=status, code=code, request_id=request_id)


def _one_line(message: object) -> str:
    text = "" if message is None else str(message)
    if text.startswith("{"):
        # Intune wraps its own JSON in error.message ({"_version": 3, "Message": "..."}).
        with contextlib.suppress(ValueError, AttributeError):
            text = str(json.loads(text).get("Message", text))
    return " ".join(text.split())[:400]
