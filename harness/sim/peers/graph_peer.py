"""A loopback Microsoft Graph + Entra token endpoint over HTTPS, for the Intune layer's tests.

    state = GraphPeerState()
    state.add_app(CLIENT_ID, {"DeviceManagementServiceConfig.Read.All"}, client_secret="...")
    with GraphPeer(state, tmp_path) as peer:      # https://127.0.0.1:<free port>
        peer.ca_file, peer.url

Sign-in as Entra answers an OAuth2 client-credentials request: OpenID discovery at
``/{tenant}/v2.0/.well-known/openid-configuration`` (what msal reads with instance discovery off)
and ``/{tenant}/oauth2/v2.0/token`` taking a client secret or a signed client assertion (a JWT,
PS256/RS256, checked against the registered certificate, audience and issuer as Entra checks
them). Graph answers ``/v1.0/...`` and ``/beta/...`` (``graph_peer_routes``) with OData
envelopes and Graph's error envelope (``error.code``, ``error.message``, ``innerError`` with a
request id). Faults: expired tokens (401), missing permissions (403), throttling (429 / 503 with
``Retry-After``). ``/autopilot-service/devices/{ZtdId}/...`` is the device side (see
``GraphPeerState``).
"""

from __future__ import annotations

import base64
import datetime
import ipaddress
import json
import ssl
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from harness.sim.peers.graph_peer_routes import ROUTES, GraphAnswer, Request
from harness.sim.peers.graph_peer_state import GraphPeerState

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class GraphPeer:
    def __init__(self, state: GraphPeerState, directory: Path) -> None:
        self.state = state
        self.cert_file, self.key_file = make_loopback_certificate(Path(directory))
        handler = type("BoundGraphHandler", (GraphHandler,), {"peer": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    @property
    def ca_file(self) -> str:
        return str(self.cert_file)

    def start(self) -> GraphPeer:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> GraphPeer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class GraphHandler(BaseHTTPRequestHandler):
    peer: GraphPeer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read the state
        return

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    # -- dispatch ----------------------------------------------------------------------

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        state = self.peer.state
        segments = path.strip("/").split("/", 1)
        with state.lock:
            if segments[0] in ("v1.0", "beta") and len(segments) == 2:
                self._graph(state, method, segments[0], segments[1], query, raw)
            elif path.startswith("/autopilot-service/devices/"):
                self._device_side(state, method, path)
            elif path.endswith("/v2.0/.well-known/openid-configuration"):
                self._openid_configuration(path)
            elif path.endswith("/oauth2/v2.0/token") and method == "POST":
                self._token(state, path, raw)
            else:
                self._send(404, {"error": {"code": "NotFound", "message": f"no route {path}"}})

    def _graph(
        self,
        state: GraphPeerState,
        method: str,
        version: str,
        path: str,
        query: dict[str, str],
        raw: bytes,
    ) -> None:
        state.requests.append((method, f"/{version}/{path}"))
        try:
            roles = self._authorised_roles(state)
            if state.faults.throttle_count > 0:
                state.faults.throttle_count -= 1
                self._send(
                    state.faults.throttle_status,
                    _graph_error("TooManyRequests", "Too many requests. Retry later."),
                    {"Retry-After": str(state.faults.retry_after_s)},
                )
                return
            for route in ROUTES:
                match = route.pattern.match(path)
                if match is None or route.method != method:
                    continue
                if not roles & set(route.permissions):
                    raise GraphAnswer(403, "Forbidden", _intune_forbidden(route.permissions))
                body = json.loads(raw) if raw else {}
                request = Request(version, method, path, query, body, self.peer.url)
                status, answer = route.handler(state, request, match)
                self._send(status, answer)
                return
            raise GraphAnswer(400, "BadRequest", f"Resource not found for the segment '{path}'.")
        except GraphAnswer as answer:
            self._send(answer.status, _graph_error(answer.code, answer.message))

    def _authorised_roles(self, state: GraphPeerState) -> set[str]:
        header = self.headers.get("Authorization", "")
        token = header[7:] if header.startswith("Bearer ") else ""
        roles = state.token_roles(token) if token else None
        if roles is None:
            raise GraphAnswer(
                401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid."
            )
        return set(roles)

    def _device_side(self, state: GraphPeerState, method: str, path: str) -> None:
        ztd_id, _, action = path[len("/autopilot-service/devices/") :].partition("/")
        if method == "GET" and action == "configuration":
            self._send(200, state.device_configuration(ztd_id))
        elif method == "POST" and action == "enroll":
            self._send(200, {"error_code": state.enroll(ztd_id)})
        else:
            self._send(404, {"error": "unknown device-side request"})

    # -- Entra -------------------------------------------------------------------------------

    def _openid_configuration(self, path: str) -> None:
        tenant = path.strip("/").split("/")[0]
        base = f"{self.peer.url}/{tenant}"
        self._send(
            200,
            {
                "issuer": f"{base}/v2.0",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "private_key_jwt",
                    "client_secret_basic",
                ],
            },
        )

    def _token(self, state: GraphPeerState, path: str, raw: bytes) -> None:
        state.token_requests += 1
        form = dict(parse_qsl(raw.decode("utf-8")))
        tenant = path.strip("/").split("/")[0]
        if tenant != state.tenant_id:
            self._send(400, _aad_error("invalid_request", 90002, f"Tenant '{tenant}' not found."))
            return
        app = state.apps.get(form.get("client_id", ""))
        if form.get("grant_type") != "client_credentials":
            self._send(400, _aad_error("unsupported_grant_type", 70003, "grant type"))
        elif app is None:
            self._send(
                400,
                _aad_error("unauthorized_client", 700016, "Application not found in the directory"),
            )
        elif not form.get("scope", "").endswith("/.default"):
            self._send(400, _aad_error("invalid_scope", 1002012, "The scope must end in /.default"))
        elif not self._client_authenticated(app, form, f"{self.peer.url}{path}"):
            self._send(
                401, _aad_error("invalid_client", 7000215, "Invalid client secret or assertion.")
            )
        else:
            token = state.issue_token(app.client_id)
            self._send(
                200,
                {
                    "token_type": "Bearer",
                    "expires_in": 3599,
                    "ext_expires_in": 3599,
                    "access_token": token,
                },
            )

    def _client_authenticated(self, app: Any, form: dict[str, str], endpoint: str) -> bool:
        if app.client_secret is not None:
            return form.get("client_secret") == app.client_secret
        if app.certificate_pem is None or form.get("client_assertion_type") != ASSERTION_TYPE:
            return False
        return _assertion_valid(form.get("client_assertion", ""), app, endpoint)

    # -- answers -----------------------------------------------------------------------------

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode("utf-8")
        self.send_response(status)
        request_id = str(uuid.uuid4())
        self.send_header("request-id", request_id)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if data:
            self.send_header("Content-Type", "application/json; odata.metadata=minimal")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _graph_error(code: str, message: str) -> dict[str, Any]:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    ids = {"date": now, "request-id": str(uuid.uuid4()), "client-request-id": str(uuid.uuid4())}
    return {"error": {"code": code, "message": message, "innerError": ids}}


def _intune_forbidden(permissions: tuple[str, ...]) -> str:
    # Intune wraps its message in JSON inside error.message, as the real service does.
    text = (
        "Application is not authorized to perform this operation. Application must have one "
        f"of the following scopes: {', '.join(permissions)} - Operation ID (for customer "
        f"support): {uuid.uuid4()}"
    )
    return json.dumps({"_version": 3, "Message": text})


def _aad_error(error: str, code: int, description: str) -> dict[str, Any]:
    return {
        "error": error,
        "error_description": f"AADSTS{code}: {description}",
        "error_codes": [code],
        "trace_id": str(uuid.uuid4()),
        "correlation_id": str(uuid.uuid4()),
    }


def _assertion_valid(assertion: str, app: Any, endpoint: str) -> bool:
    import jwt
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    certificate = x509.load_pem_x509_certificate(app.certificate_pem)
    try:
        header = jwt.get_unverified_header(assertion)
        claims = jwt.decode(
            assertion,
            certificate.public_key(),  # type: ignore[arg-type]
            algorithms=["PS256", "RS256"],
            audience=endpoint,
            issuer=app.client_id,
        )
    except jwt.PyJWTError:
        return False
    # The header names the certificate by its thumbprint (SHA-256 for PS256, SHA-1 for RS256).
    sha256 = _b64(certificate.fingerprint(hashes.SHA256()))
    sha1 = _b64(certificate.fingerprint(hashes.SHA1()))  # noqa: S303 - how x5t is defined
    # Compared without base64 padding: RFC 7515 says none, msal sends it.
    named = _unpadded(header.get("x5t#S256")) == sha256 or _unpadded(header.get("x5t")) == sha1
    return named and claims.get("sub") == app.client_id


def _unpadded(value: object) -> str:
    return str(value or "").rstrip("=")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def make_loopback_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed TLS certificate for 127.0.0.1 (subjectAltName IP and DNS localhost), so
    that a client verifies it with ``ca_file`` and host-name checking on."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "graph-peer.localhost")])
    now = datetime.datetime.now(datetime.UTC)
    san = x509.SubjectAlternativeName(
        [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(san, critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "graph-peer.crt", directory / "graph-peer.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.touch(mode=0o600)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file
