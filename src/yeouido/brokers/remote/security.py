"""Who may talk to a venue server: loopback by default; anything else needs a token and TLS.

- The token is read from the environment (:data:`TOKEN_ENV`) or from a file only its owner
  can read (mode 0600); it is compared in constant time.
- The TLS certificate is self-signed, made on first use with the ``cryptography`` package and
  kept (key and certificate, mode 0600) under the user config directory. Clients pin it by its
  SHA-256 fingerprint instead of trusting a certificate authority.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import os
import secrets
import ssl
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from yeouido.model.errors import InvalidInput
from yeouido.paths import config_dir

TOKEN_ENV = "YEOUIDO_VENUE_TOKEN"
"""The environment variable a server or client reads its token from."""
TOKEN_FILE = "venue-token"
MIN_TOKEN_LENGTH = 16
CERTIFICATE_DAYS = 3650


def venue_config_dir() -> Path:
    """Where the venue server keeps its token and certificate (``<config>/venue``)."""
    return config_dir() / "venue"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback name or address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_listen(text: str, default_port: int = 8765) -> tuple[str, int]:
    """``HOST:PORT``, ``HOST`` or ``[v6]:PORT`` as (host, port)."""
    value = text.strip()
    host, port_text = value, ""
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port_text = rest.removeprefix(":")
    elif value.count(":") == 1:
        host, _, port_text = value.partition(":")
    if not host:
        raise InvalidInput.for_field("listen", text, "use HOST:PORT, e.g. 127.0.0.1:8765")
    if not port_text:
        return host, default_port
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise InvalidInput.for_field("listen", text, "the port is a number from 0 to 65535")
    return host, int(port_text)


def check_listen_policy(host: str, token: str | None, tls: bool) -> None:
    """Refuse to listen on a non-loopback ``host`` without a token and TLS, saying why."""
    if is_loopback(host):
        return
    missing = [
        what for what, present in (("a token", token is not None), ("TLS", tls)) if not present
    ]
    if missing:
        raise InvalidInput.for_field(
            "listen",
            host,
            f"a non-loopback address needs {' and '.join(missing)} (token: {TOKEN_ENV}, "
            "--token-file of mode 0600 or --new-token; TLS: on unless --no-tls)",
        )


# -- the token -----------------------------------------------------------------------------
def check_private(path: Path) -> None:
    """Refuse a secret file that others than its owner can read (POSIX)."""
    if sys.platform == "win32":
        return
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InvalidInput.for_field(
            "token_file",
            str(path),
            f"mode {stat.S_IMODE(mode):o} lets others read it; chmod 600 it",
        )


def read_token(path: str | Path | None = None) -> str | None:
    """The token from ``path`` (mode 0600 required), else from :data:`TOKEN_ENV`, else the
    default token file if it exists; ``None`` when there is none."""
    if path is None:
        from_env = os.environ.get(TOKEN_ENV)
        if from_env:
            return _checked(from_env.strip(), TOKEN_ENV)
        default = venue_config_dir() / TOKEN_FILE
        if not default.exists():
            return None
        path = default
    file = Path(path)
    if not file.is_file():
        raise InvalidInput.for_field("token_file", str(file), "no such file")
    check_private(file)
    return _checked(file.read_text(encoding="utf-8").strip(), str(file))


def new_token(path: Path | None = None) -> Path:
    """Write a fresh random token to ``path`` (default ``<config>/venue/venue-token``), mode
    0600; returns the path (the token itself is never printed)."""
    target = path or venue_config_dir() / TOKEN_FILE
    _write_private(target, secrets.token_urlsafe(32).encode())
    return target


def token_matches(expected: str, given: object) -> bool:
    """Constant-time comparison of a presented token with the expected one."""
    if not isinstance(given, str):
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8", "replace"))


def _checked(token: str, source: str) -> str:
    if len(token) < MIN_TOKEN_LENGTH:
        raise InvalidInput.for_field(
            "token", source, f"a token needs at least {MIN_TOKEN_LENGTH} characters"
        )
    return token


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(descriptor, data)
    finally:
        os.close(descriptor)
    os.chmod(path, 0o600)


# -- TLS -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Certificate:
    """The server's certificate and key files, and the fingerprint clients pin."""

    certificate: Path
    key: Path
    fingerprint: str

    def server_context(self) -> ssl.SSLContext:
        """A server-side TLS context (TLS 1.2 or later)."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.certificate, self.key)
        return context


def fingerprint_of(der: bytes) -> str:
    """The SHA-256 fingerprint of a DER certificate as ``AB:CD:…`` (upper-case hex)."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[index : index + 2] for index in range(0, len(digest), 2))


def parse_fingerprint(text: str) -> bytes:
    """The 32 bytes of a SHA-256 fingerprint given with or without colons (``sha256:`` too)."""
    value = text.strip().lower().removeprefix("sha256:").replace(":", "")
    try:
        digest = bytes.fromhex(value)
    except ValueError:
        digest = b""
    if len(digest) != 32:
        raise InvalidInput.for_field(
            "fingerprint", text, "a SHA-256 fingerprint: 64 hex digits (colons allowed)"
        )
    return digest


def ensure_certificate(directory: Path | None = None, hosts: tuple[str, ...] = ()) -> Certificate:
    """The server's self-signed certificate under ``directory`` (default
    ``<config>/venue/tls``), made on first use for ``hosts`` (plus localhost)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = directory or venue_config_dir() / "tls"
    certificate_path, key_path = folder / "certificate.pem", folder / "key.pem"
    if not (certificate_path.exists() and key_path.exists()):
        key = ec.generate_private_key(ec.SECP256R1())
        names: list[x509.GeneralName] = [x509.DNSName("localhost")]
        for host in ("127.0.0.1", "::1", *hosts):
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(host.strip("[]"))))
            except ValueError:
                names.append(x509.DNSName(host))
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "yeouido venue server")])
        now = dt.datetime.now(dt.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=CERTIFICATE_DAYS))
            .add_extension(x509.SubjectAlternativeName(list(dict.fromkeys(names))), False)
            .sign(key, hashes.SHA256())
        )
        _write_private(
            key_path,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
        _write_private(certificate_path, certificate.public_bytes(serialization.Encoding.PEM))
    check_private(key_path)
    loaded = x509.load_pem_x509_certificate(certificate_path.read_bytes())
    der = loaded.public_bytes(serialization.Encoding.DER)
    return Certificate(certificate_path, key_path, fingerprint_of(der))
