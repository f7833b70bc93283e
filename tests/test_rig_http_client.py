"""The rig's HTTP client (requests + urllib3): Retry-After, connection reuse, no redirects,
timeouts, and messages without credentials - against small loopback servers."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import urllib3

from harness.errors import ConnectionLost
from harness.targets.http_client import MAX_RETRY_AFTER_S, HttpClient, _CappedRetry, redact


class _Scripted(ThreadingHTTPServer):
    """Answers each request with the next (status, headers) of ``script``, then 200."""

    daemon_threads = True

    def __init__(self, script: list[tuple[int, dict[str, str]]]) -> None:
        super().__init__(("127.0.0.1", 0), _ScriptedHandler)
        self.script = list(script)
        self.seen: list[str] = []
        self.connections = 0

    def process_request(self, request: object, client_address: object) -> None:
        self.connections += 1
        super().process_request(request, client_address)  # type: ignore[arg-type]


class _ScriptedHandler(BaseHTTPRequestHandler):
    server: _Scripted
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self) -> None:
        self.server.seen.append(f"{self.command} {self.path}")
        status, headers = self.server.script.pop(0) if self.server.script else (200, {})
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = _answer


@pytest.fixture
def scripted(request: pytest.FixtureRequest) -> Iterator[_Scripted]:
    server = _Scripted(getattr(request, "param", []))
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _url(server: _Scripted) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.mark.parametrize("scripted", [[(503, {"Retry-After": "0"})]], indirect=True)
def test_retry_after_is_honoured_even_for_a_post(scripted: _Scripted) -> None:
    client = HttpClient(_url(scripted))
    assert client.request("POST", "/action").status == 200
    assert scripted.seen == ["POST /action", "POST /action"]


@pytest.mark.parametrize("scripted", [[(503, {})]], indirect=True)
def test_a_503_without_retry_after_is_answered_at_once(scripted: _Scripted) -> None:
    client = HttpClient(_url(scripted))
    assert client.request("GET", "/api/streamer/snapshot").status == 503
    assert scripted.seen == ["GET /api/streamer/snapshot"]


def test_a_long_retry_after_is_capped() -> None:
    answer = urllib3.HTTPResponse(status=503, headers={"Retry-After": "3600"})
    assert _CappedRetry(total=1).get_retry_after(answer) == MAX_RETRY_AFTER_S


@pytest.mark.parametrize("scripted", [[(301, {"Location": "https://elsewhere/x"})]], indirect=True)
def test_redirects_are_returned_not_followed(scripted: _Scripted) -> None:
    answer = HttpClient(_url(scripted)).request("POST", "/x")
    assert answer.status == 301
    assert scripted.seen == ["POST /x"]


def test_one_connection_carries_many_requests(scripted: _Scripted) -> None:
    client = HttpClient(_url(scripted))
    for _ in range(5):
        assert client.request("GET", "/state").status == 200
    client.close()
    assert scripted.connections == 1


def test_a_silent_server_times_out_as_connection_lost() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        client = HttpClient(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout_s=0.3)
        with pytest.raises(ConnectionLost, match="timed out"):
            client.request("GET", "/x")


def test_messages_never_carry_url_credentials() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = HttpClient(f"http://admin:hunter2@127.0.0.1:{port}", retries=0)
    with pytest.raises(ConnectionLost) as raised:
        client.request("GET", "/x")
    assert "hunter2" not in str(raised.value)
    assert "hunter2" not in client.label
    assert redact("see https://u:p@h/x and http://v@w/") == "see https://***@h/x and http://***@w/"
