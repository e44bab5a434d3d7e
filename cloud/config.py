"""Settings of every cloud process, read once from the environment at the entry point and passed down.

Most variables carry the ``MAINTAINX_`` prefix; ``DATABASE_URL`` and ``MQTT_URL`` keep the names every
hosting platform already uses. Nothing here imports SQLAlchemy, so any part can read the settings.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from cloud.engine import knobs
from contract.mqtt_url import SCHEMES as MQTT_SCHEMES
from contract.mqtt_url import MqttEndpoint, MqttUrlError, parse_mqtt_url

# Repository root, for defaults that point into the source tree (the built dashboard).
_REPO_ROOT = Path(__file__).resolve().parents[1]
# Values people leave in example files; a broker password like this is refused.
_PLACEHOLDER_SECRETS = {"changethis", "changeme", "secret", "password"}
# An HS256 key shorter than its 256-bit hash is weak (RFC 7518 §3.2); 32 characters of token_urlsafe suffice.
MIN_AUTH_SECRET_CHARS = 32
# Variables whose values are never repeated in an error message: secrets, and URLs that may carry one.
_HIDDEN_VALUES = {"auth_secret", "mqtt_password", "database_url", "mqtt_url"}
# Variables that keep the names hosting platforms use, without the MAINTAINX_ prefix.
_PLAIN_NAMES = {"database_url": "DATABASE_URL", "mqtt_url": "MQTT_URL"}
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# The demo's throw-away signing key: random per process, so demo tokens never outlive the API that made them.
_DEMO_SIGNING_KEY = secrets.token_urlsafe(32)


class ConfigError(ValueError):
    """A setting that cannot work, with the variable to fix."""


def _knob(name: str) -> Any:
    return knobs.BY_NAME[name].field(with_default=True)


def _default_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class Settings(BaseSettings):
    """Configuration of the cloud (API, ingestion, ticket engine)."""

    model_config = SettingsConfigDict(env_prefix="MAINTAINX_", extra="ignore", populate_by_name=True)

    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "MAINTAINX_DATABASE_URL", "database_url")
    )
    mqtt_url: str = Field(
        default="mqtt://127.0.0.1:1883",
        validation_alias=AliasChoices("MQTT_URL", "MAINTAINX_MQTT_URL", "mqtt_url"),
    )
    mqtt_username: str | None = None
    mqtt_password: SecretStr | None = None
    data_dir: Path = Path(".maintainx")
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    dashboard_dir: Path = _REPO_ROOT / "dashboard" / "dist"
    log_level: str = "INFO"
    # Prometheus: the workers and the engine listen here for scrapes (unset: no listener; the API serves
    # /metrics itself); a one-shot job (storage) writes its metrics to this file instead.
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_host: str = "127.0.0.1"
    metrics_textfile: Path | None = None

    # Ingestion: rows per transaction, the longest a message waits for its batch, the MQTT shared
    # subscription group all workers join, and this worker's stable id (its MQTT session survives restarts).
    ingest_batch_rows: int = Field(default=5000, ge=1)
    ingest_flush_interval_s: float = Field(default=0.2, gt=0)
    ingest_share_group: str = "ingest"
    ingest_worker_id: str = Field(default_factory=_default_worker_id)
    # Messages per batch at most: Mosquitto sends a client no more than max_inflight_messages (100)
    # un-acked QoS 1 messages, so waiting for more before committing only adds latency.
    ingest_batch_messages: int = Field(default=100, ge=1)
    # Received messages waiting for the writer; when full, the MQTT thread waits (back-pressure).
    ingest_queue_messages: int = Field(default=1000, ge=1)
    # Machines a gateway announces (or sends data for) that no engineer provisioned: "approve" binds them to
    # that gateway but lists them as pending until an engineer approves; "auto" binds them, approved.
    ingest_machine_binding: Literal["approve", "auto"] = "approve"
    # How long a worker trusts a cached machine -> gateway binding: an engineer's re-home takes effect for
    # the new gateway at once and stops the old one's writes within this many seconds (docs/security.md).
    ingest_owner_cache_s: float = Field(default=5.0, ge=0, le=300)
    # The plausible event-time window around the cloud's clock (docs/architecture.md, "Time"): readings,
    # predictions and statuses older than max_age or further than max_ahead in the future are dead-lettered.
    # A month back covers an edge outbox replaying after a long outage; a few minutes ahead covers a gateway
    # clock that runs a little fast. Rows older than late_after at arrival are stored and counted as late.
    # max_ahead is capped at a day: a stored status further ahead than that is treated as implausible.
    ingest_max_age_s: float = Field(default=30 * 86400.0, gt=0)
    ingest_max_ahead_s: float = Field(default=300.0, ge=0, le=86400.0)
    ingest_late_after_s: float = Field(default=3600.0, gt=0)

    # Storage: day partitions created this many days ahead; raw rows (sensor_data, predictions) and
    # 1-minute roll-ups dropped after this many days (unset keeps them forever; hourly roll-ups are
    # always kept); how often ``python -m cloud storage`` runs its maintenance pass.
    storage_days_ahead: int = Field(default=3, ge=1)
    storage_retention_days: int | None = Field(default=None, ge=1)
    storage_rollup_1m_retention_days: int | None = Field(default=None, ge=1)
    storage_maintenance_interval_s: float = Field(default=3600.0, gt=0)

    # API security. The signing key of access tokens (at least 32 characters); the API refuses to start
    # without one unless ``demo`` is set, when it makes a throw-away key (tokens die with the process).
    auth_secret: SecretStr | None = None
    demo: bool = False
    # A working day, so a technician logs in once per shift.
    access_token_ttl_s: int = Field(default=8 * 3600, ge=60)
    # Failed logins allowed per account and per client address within the window, before 429.
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_max_failures_per_ip: int = Field(default=30, ge=1)
    login_window_s: float = Field(default=300.0, gt=0)
    # Request bodies above this are refused with 413; nothing the API accepts comes close to 1 MiB.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    # Origins allowed to call the API from a browser; empty = CORS off (the dashboard is same-origin).
    cors_origins: list[str] = []
    # How often the live stream looks for new predictions, tickets and gateway status.
    stream_poll_s: float = Field(default=1.0, gt=0)

    # Ticket engine policy: bounds, defaults and descriptions are declared once in cloud.engine.knobs.
    engine_enter_threshold: float = _knob("enter_threshold")
    engine_exit_threshold: float = _knob("exit_threshold")
    engine_required: int = _knob("required")
    engine_window: int = _knob("window")
    engine_max_age_s: float = _knob("max_age_s")
    engine_cooldown_s: float = _knob("cooldown_s")
    engine_high_threshold: float = _knob("high_threshold")
    engine_critical_threshold: float = _knob("critical_threshold")
    engine_horizon_h: float = _knob("horizon_h")
    engine_high_ttf_h: float = _knob("high_ttf_h")
    engine_critical_ttf_h: float = _knob("critical_ttf_h")

    @model_validator(mode="after")
    def _check_policy(self) -> Settings:
        values = {knob.name: getattr(self, knob.setting) for knob in knobs.KNOBS}
        found = knobs.problem(values)
        if found is not None:
            raise ValueError(found.for_settings(values))
        return self

    # Preventive maintenance (docs/preventive-maintenance.md): how often the engine's loop runs the PM
    # scheduler; the failure_prob that pulls a schedule's next work order forward (a schedule may set its
    # own), judged on the machine's latest prediction no older than pm_risk_max_age_s; an interval between
    # two readings longer than pm_meter_max_gap_s is not counted as running time.
    pm_tick_s: float = Field(default=60.0, gt=0)
    pm_risk_threshold: float = Field(default=0.7, gt=0, le=1)
    pm_risk_max_age_s: float = Field(default=3600.0, gt=0)
    pm_meter_max_gap_s: float = Field(default=300.0, gt=0)

    # Ticket attachments (photos, files): the largest accepted, and where the bytes go: "disk" (under
    # attachments_dir, default <data_dir>/attachments) or "s3" (any S3-compatible store through boto3; the
    # credentials come from boto3's usual environment and files).
    attachment_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    attachment_store: Literal["disk", "s3"] = "disk"
    attachments_dir: Path | None = None
    attachment_s3_bucket: str | None = None
    attachment_s3_endpoint_url: str | None = None
    attachment_s3_prefix: str = "attachments/"

    @model_validator(mode="after")
    def _check_time_window(self) -> Settings:
        if self.ingest_late_after_s > self.ingest_max_age_s:
            raise ValueError(
                f"MAINTAINX_INGEST_LATE_AFTER_S ({self.ingest_late_after_s:g}) must not exceed "
                f"MAINTAINX_INGEST_MAX_AGE_S ({self.ingest_max_age_s:g})"
            )
        return self

    @field_validator("mqtt_url")
    @classmethod
    def _check_mqtt_url(cls, value: str) -> str:
        try:
            parse_mqtt_url(value)
        except MqttUrlError as exc:
            # The URL is not repeated (the parser's message never holds it): it may carry the broker password.
            raise ValueError(
                "MQTT_URL must look like mqtt://host:1883 or mqtts://host:8883 "
                f"(scheme one of {', '.join(sorted(MQTT_SCHEMES))}, a host, a port 1-65535): {exc}"
            ) from None
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        try:
            normalise_database_url(value)
            urlsplit(value).port  # noqa: B018 - raises on a port that is not 1-65535
        except ValueError as exc:
            raise ValueError(
                "DATABASE_URL must look like postgresql://user:password@host:5432/dbname "
                "(PostgreSQL 15+; unset it to use the embedded database)"
            ) from exc
        return value

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        if value.upper() not in _LOG_LEVELS:
            raise ValueError(f"MAINTAINX_LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}")
        return value.upper()

    @field_validator("mqtt_password")
    @classmethod
    def _refuse_placeholder(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().lower() in _PLACEHOLDER_SECRETS:
            raise ValueError("MAINTAINX_MQTT_PASSWORD is a placeholder; set a real broker password")
        return value

    @field_validator("auth_secret")
    @classmethod
    def _check_auth_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        secret = value.get_secret_value()
        if secret.lower() in _PLACEHOLDER_SECRETS:
            raise ValueError("MAINTAINX_AUTH_SECRET is a placeholder; set a random value of 32+ characters")
        if len(secret) < MIN_AUTH_SECRET_CHARS:
            raise ValueError(f"MAINTAINX_AUTH_SECRET must have at least {MIN_AUTH_SECRET_CHARS} characters")
        return value

    def signing_key(self) -> str:
        """The key that signs access tokens; ConfigError when none is set outside the demo."""
        if self.auth_secret is not None:
            return self.auth_secret.get_secret_value()
        if self.demo:
            return _DEMO_SIGNING_KEY
        raise ConfigError(
            "MAINTAINX_AUTH_SECRET is not set; the API needs a random secret of 32+ characters "
            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
        )

    def mqtt_endpoint(self) -> MqttEndpoint:
        """The broker address and credentials; explicit MAINTAINX_MQTT_* credentials win over the URL's.

        That rule is contract.mqtt_url's, the same for the agent and every cloud process.
        """
        password = self.mqtt_password.get_secret_value() if self.mqtt_password is not None else None
        return parse_mqtt_url(self.mqtt_url, username=self.mqtt_username, password=password)

    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL of the database, starting the embedded PostgreSQL when none is configured."""
        if self.database_url:
            return normalise_database_url(self.database_url)
        from cloud.embedded_postgres import embedded_postgres  # only the zero-setup default needs it

        return embedded_postgres(self.data_dir / "pg")


def normalise_database_url(url: str) -> str:
    """Make ``postgres://`` and ``postgresql://`` URLs use the psycopg2 driver SQLAlchemy is set up with."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    if not url.startswith("postgresql"):
        raise ConfigError(f"DATABASE_URL {url.split('://')[0]}://… is not PostgreSQL; MaintainX needs 15+")
    return url


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (``overrides`` win); ConfigError naming each bad variable, one line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError("; ".join(_describe(error) for error in exc.errors())) from None
    except SettingsError as exc:  # a list or dict variable that is not JSON
        found = re.search(r'field "(\w+)"', str(exc))
        name = f"MAINTAINX_{found.group(1).upper()}" if found else "a MAINTAINX_ variable"
        raise ConfigError(f'{name}: must be JSON, e.g. ["https://a.example"] for a list') from None


def _describe(error: object) -> str:
    """One pydantic error as "VARIABLE=value: what is allowed", never echoing a secret."""
    assert isinstance(error, dict)
    field = str(error["loc"][0]) if error["loc"] else ""
    field = next((f for f, name in _PLAIN_NAMES.items() if name == field), field)
    name = _PLAIN_NAMES.get(field, f"MAINTAINX_{field.upper()}")
    message = str(error["msg"]).removeprefix("Value error, ").replace("Input should be", "must be")
    if message.startswith(name):
        return message  # our own validators name the variable already
    shown = "" if field in _HIDDEN_VALUES else f"={error.get('input')!s}"
    return f"{name}{shown}: {message}"
