"""A self-signed certificate like PiKVM's stock one: CN=localhost, no subjectAltName.

kvmd's image generates its nginx certificate for ``CN=localhost`` without a SAN, so no host
name a client uses matches it (Python checks only SANs): ``ca_file`` cannot work, pinning the
certificate's SHA-256 (``tls_fingerprint``) does. The peers make one at start (EC P-256: fast),
in a folder of the caller's, never shipped in the repository.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from harness.targets.http_client import certificate_fingerprint, format_fingerprint


@dataclass(frozen=True)
class SelfSigned:
    cert_file: Path
    key_file: Path
    fingerprint: str
    """``sha256:AB:CD:...``, the form ``tls_fingerprint`` takes."""


def make_self_signed(directory: Path, common_name: str = "localhost") -> SelfSigned:
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError as problem:  # pragma: no cover - the test extra installs it
        raise RuntimeError(
            f"the HTTPS peers need the cryptography package (pip install '.[test]'): {problem}"
        ) from None
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    cert_file = directory / "cert.pem"
    key_file = directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.touch(mode=0o600)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    return SelfSigned(cert_file, key_file, format_fingerprint(certificate_fingerprint(der)))
