"""Settings of the notification worker (``python -m cloud notify``), read from MAINTAINX_* variables.

Kept apart from ``cloud.config.Settings`` because only the worker sends messages: the API never needs the
SMTP password or the webhook secret.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from cloud.config import ConfigError


class NotifySettings(BaseSettings):
    """Where e-mail goes out, how webhooks are signed, and how the worker paces its retries."""

    model_config = SettingsConfigDict(env_prefix="MAINTAINX_", extra="ignore")

    # The dashboard's address as people reach it: messages link to <public_base_url>/tickets/<id>.
    public_base_url: str = "http://127.0.0.1:8000"
    smtp_host: str | None = None
    # 587 is the submission port with STARTTLS (RFC 6409); 25 for a relay on the local network.
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_starttls: bool = True
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "maintainx@localhost"
    # A CA bundle to trust for STARTTLS (a private relay's certificate); unset = the system's CAs.
    smtp_ca_file: Path | None = None
    # Signs webhooks of channels that have no secret of their own.
    webhook_secret: SecretStr | None = None
    http_timeout_s: float = Field(default=10.0, gt=0, le=120)
    # Retries: exponential from initial to max (with jitter), FAILED after max_attempts tries.
    notify_backoff_initial_s: float = Field(default=5.0, gt=0)
    notify_backoff_max_s: float = Field(default=3600.0, gt=0)
    notify_max_attempts: int = Field(default=12, ge=1)
    # The worker wakes on NOTIFY; this is the longest it sleeps without one (retries, unacknowledged rules).
    notify_poll_s: float = Field(default=1.0, gt=0)
    # Parallel deliveries; each holds one database connection while its channel answers.
    notify_workers: int = Field(default=4, ge=1, le=64)
    # How long an event id may stay missing below a newer one before the cursor passes it: a ticket
    # transaction that has not committed this long after a later one has is treated as rolled back.
    notify_event_lag_s: float = Field(default=300.0, ge=0)

    @field_validator("public_base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                "MAINTAINX_PUBLIC_BASE_URL must be an http(s) URL, e.g. https://maint.example.com"
            )
        return value.rstrip("/")

    def ticket_link(self, path: str) -> str:
        """The absolute dashboard link for a path such as ``/tickets/<id>``."""
        return self.public_base_url + path


def load_notify_settings(**overrides: object) -> NotifySettings:
    """The worker's settings; ConfigError naming the variable when one is wrong."""
    try:
        return NotifySettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        parts = []
        for error in exc.errors():
            name = f"MAINTAINX_{str(error['loc'][0]).upper()}" if error["loc"] else "MAINTAINX_*"
            message = str(error["msg"]).removeprefix("Value error, ")
            parts.append(message if message.startswith(name) else f"{name}: {message}")
        raise ConfigError("; ".join(parts)) from None
