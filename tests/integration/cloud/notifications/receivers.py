"""Real receivers for notification tests and the benchmark: an SMTP server (aiosmtpd, STARTTLS + login with
a self-signed certificate made here) and an HTTP server that records webhooks and can be told to fail."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from maintainx.services import free_port

SMTP_USER = "mailer"
SMTP_PASSWORD = "smtp-test-password-1"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1 / localhost, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp.crt", folder / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@dataclass
class Mail:
    """One accepted message."""

    sender: str
    recipients: list[str]
    message: Message
    at: float


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        mail = Mail(
            sender=str(envelope.mail_from),
            recipients=list(envelope.rcpt_tos),
            message=message_from_bytes(envelope.content),
            at=time.monotonic(),
        )
        with self.sink.lock:
            self.sink.mails.append(mail)
        return "250 Message accepted for delivery"


def _authenticate(
    server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok)


class SmtpSink:
    """An SMTP server on a free port that requires STARTTLS and login, and keeps what it accepted."""

    def __init__(self, folder: Path) -> None:
        self.cert, key = self_signed(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, key)
        self.port = free_port()
        self.mails: list[Mail] = []
        self.lock = threading.Lock()
        self._controller = Controller(
            _Handler(self),
            hostname="127.0.0.1",
            port=self.port,
            tls_context=context,
            require_starttls=True,
            auth_required=True,
            authenticator=_authenticate,
        )

    def start(self) -> SmtpSink:
        """Start serving."""
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._controller.stop()

    def received(self) -> list[Mail]:
        """A copy of the accepted mails so far."""
        with self.lock:
            return list(self.mails)


@dataclass
class Hook:
    """One webhook request as received."""

    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class _State:
    hooks: list[Hook] = field(default_factory=list)
    # Answer this many requests with ``fail_status`` (0 = drop the connection without an answer).
    fail_next: int = 0
    fail_status: int = 503
    # Seconds each request takes before it is answered (so a kill can land mid-request).
    delay_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


class HttpReceiver:
    """An HTTP server on a free port recording POSTs; ``fail(n, status)`` makes the next n fail."""

    def __init__(self) -> None:
        self.state = _State()
        state = self.state

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if state.delay_s:
                    time.sleep(state.delay_s)
                with state.lock:
                    failing = state.fail_next > 0
                    if failing:
                        state.fail_next -= 1
                    else:
                        state.hooks.append(
                            Hook(self.path, dict(self.headers.items()), body, time.monotonic())
                        )
                if failing and state.fail_status == 0:
                    self.close_connection = True
                    self.connection.close()
                    return
                self.send_response(state.fail_status if failing else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="webhook-receiver", daemon=True
        )

    def start(self) -> HttpReceiver:
        """Start serving."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)

    def fail(self, count: int, status: int = 503) -> None:
        """Fail the next ``count`` requests with ``status`` (0: drop the connection)."""
        with self.state.lock:
            self.state.fail_next, self.state.fail_status = count, status

    def failing(self) -> int:
        """How many more requests will fail."""
        with self.state.lock:
            return self.state.fail_next

    def received(self) -> list[Hook]:
        """A copy of the accepted requests so far."""
        with self.state.lock:
            return list(self.state.hooks)
