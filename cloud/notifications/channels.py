"""The two ways a message leaves: SMTP (STARTTLS, login) and an HTTP POST. Each returns what happened.

Classifying the answer is the channel's job: a 2xx or SMTP 250 is delivered; a receiver that says the
request itself is wrong (HTTP 4xx other than 408/429, SMTP 5xx) will say so again, so the delivery fails
at once; everything else (timeouts, refused connections, 5xx, 408, 429, SMTP 4xx) is retried.
"""

from __future__ import annotations

import smtplib
import ssl
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from functools import lru_cache
from pathlib import Path

import httpx

from cloud.notifications.settings import NotifySettings
from cloud.notifications.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

# HTTP statuses in the 4xx range that mean "later", not "never".
_RETRYABLE_4XX = {408, 429}
# Errors are stored and shown to engineers; a receiver's long HTML error page is cut.
MAX_ERROR_CHARS = 500


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """The outcome of one try: accepted, or not (and whether trying again can help)."""

    ok: bool
    status_code: int | None = None
    error: str | None = None
    permanent: bool = False


def _short(text: str) -> str:
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


@lru_cache(maxsize=4)
def _tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """Built once per CA file: loading the system's CA store for every message costs milliseconds."""
    return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)


class SmtpSender:
    """Sends e-mail over one kept-open SMTP session per thread.

    A new session costs a TCP connect, a TLS handshake and a login — most of the time of a message — so a
    session is reused until the server drops it; a session found dead is replaced once, before anything
    was sent on it, so that retry cannot send a message twice.
    """

    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings
        self._local = threading.local()
        self._open: list[smtplib.SMTP] = []
        self._lock = threading.Lock()

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        assert settings.smtp_host is not None
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.http_timeout_s)
        try:
            if settings.smtp_starttls:
                smtp.starttls(context=_tls_context(settings.smtp_ca_file))
            if settings.smtp_username:
                password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
                smtp.login(settings.smtp_username, password)
        except BaseException:
            smtp.close()
            raise
        with self._lock:
            self._open.append(smtp)
        return smtp

    def _session(self) -> smtplib.SMTP:
        smtp: smtplib.SMTP | None = getattr(self._local, "smtp", None)
        if smtp is not None:
            try:
                if smtp.noop()[0] == 250:
                    return smtp
            except (OSError, smtplib.SMTPException):
                pass
            self._drop(smtp)
        fresh = self._connect()
        self._local.smtp = fresh
        return fresh

    def _drop(self, smtp: smtplib.SMTP) -> None:
        self._local.smtp = None
        with self._lock:
            if smtp in self._open:
                self._open.remove(smtp)
        smtp.close()

    def send(self, message: EmailMessage) -> AttemptResult:
        """Hand ``message`` to the configured SMTP server."""
        if not self.settings.smtp_host:
            return AttemptResult(ok=False, error="MAINTAINX_SMTP_HOST is not set; e-mail cannot be sent")
        smtp: smtplib.SMTP | None = None
        try:
            smtp = self._session()
            refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            self._reset(smtp)
            code = min(code for code, _ in exc.recipients.values())
            return AttemptResult(
                False, code, _short(f"recipient refused: {exc.recipients}"), permanent=code >= 500
            )
        except smtplib.SMTPResponseException as exc:
            self._reset(smtp)
            text = (
                exc.smtp_error.decode(errors="replace")
                if isinstance(exc.smtp_error, bytes)
                else exc.smtp_error
            )
            # 535 (bad credentials) is the operator's to fix; retrying lets the message go once they have.
            permanent = exc.smtp_code >= 500 and exc.smtp_code != 535
            return AttemptResult(False, exc.smtp_code, _short(f"SMTP {exc.smtp_code}: {text}"), permanent)
        except (OSError, smtplib.SMTPException) as exc:
            if smtp is not None:
                self._drop(smtp)
            return AttemptResult(False, None, _short(f"{type(exc).__name__}: {exc}"))
        if refused:
            return AttemptResult(False, None, _short(f"recipient refused: {refused}"), permanent=True)
        return AttemptResult(True, 250)

    def _reset(self, smtp: smtplib.SMTP | None) -> None:
        """After a refusal the session may be mid-transaction: start the next message clean, or reconnect."""
        if smtp is None:
            return
        try:
            smtp.rset()
        except (OSError, smtplib.SMTPException):
            self._drop(smtp)

    def close(self) -> None:
        """Say goodbye on every open session."""
        with self._lock:
            sessions, self._open = self._open, []
        for smtp in sessions:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


def post_webhook(
    client: httpx.Client, url: str, body: bytes, secret: str | None, *, now: float | None = None
) -> AttemptResult:
    """POST ``body`` as JSON, signed when there is a secret."""
    headers = {"Content-Type": "application/json", "User-Agent": "MaintainX-Notifications/1"}
    if secret:
        stamp = int(now if now is not None else time.time())
        headers[TIMESTAMP_HEADER] = str(stamp)
        headers[SIGNATURE_HEADER] = sign(secret, stamp, body)
    try:
        response = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return AttemptResult(False, None, _short(f"{type(exc).__name__}: {exc}"))
    code = response.status_code
    if 200 <= code < 300:
        return AttemptResult(True, code)
    permanent = 400 <= code < 500 and code not in _RETRYABLE_4XX
    return AttemptResult(False, code, _short(f"HTTP {code}: {response.text}"), permanent)
