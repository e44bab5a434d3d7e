"""Settings of every cloud process, read once from the environment at the entry point and passed down.

Most variables carry the ``MAINTAINX_`` prefix; ``DATABASE_URL`` and ``MQTT_URL`` keep the names every
hosting platform already uses. Nothing here imports SQLAlchemy, so any part can read the settings.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Repository root, for defaults that point into the source tree (the built dashboard).
_REPO_ROOT = Path(__file__).resolve().parents[1]
_MQTT_SCHEMES = {"mqtt": 1883, "tcp": 1883, "mqtts": 8883, "ssl": 8883}
# Values people leave in example files; a broker password like this is refused.
_PLACEHOLDER_SECRETS = {"changethis", "changeme", "secret", "password"}


class ConfigError(ValueError):
    """A setting that cannot work, with the variable to fix."""


@dataclass(frozen=True, slots=True)
class MqttEndpoint:
    """Where and how to connect to the MQTT broker, parsed from ``MQTT_URL`` and the credentials."""

    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None


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

    @field_validator("mqtt_url")
    @classmethod
    def _check_mqtt_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in _MQTT_SCHEMES or not parts.hostname:
            raise ValueError(f"MQTT_URL {value!r} must look like mqtt://host:1883 or mqtts://host:8883")
        return value

    @field_validator("mqtt_password")
    @classmethod
    def _refuse_placeholder(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().lower() in _PLACEHOLDER_SECRETS:
            raise ValueError("MAINTAINX_MQTT_PASSWORD is a placeholder; set a real broker password")
        return value

    def mqtt_endpoint(self) -> MqttEndpoint:
        """The broker address and credentials; explicit MAINTAINX_MQTT_* credentials win over the URL's."""
        parts = urlsplit(self.mqtt_url)
        username = self.mqtt_username or (unquote(parts.username) if parts.username else None)
        if self.mqtt_password is not None:
            password: str | None = self.mqtt_password.get_secret_value()
        else:
            password = unquote(parts.password) if parts.password else None
        return MqttEndpoint(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or _MQTT_SCHEMES[parts.scheme],
            tls=parts.scheme in ("mqtts", "ssl"),
            username=username,
            password=password,
        )

    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL of the database, starting the embedded PostgreSQL when none is configured."""
        if self.database_url:
            return normalise_database_url(self.database_url)
        from maintainx.services import embedded_postgres  # only the zero-setup default needs it

        return embedded_postgres(self.data_dir / "pg")


def normalise_database_url(url: str) -> str:
    """Make ``postgres://`` and ``postgresql://`` URLs use the psycopg2 driver SQLAlchemy is set up with."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    if not url.startswith("postgresql"):
        raise ConfigError(f"DATABASE_URL {url.split('://')[0]}://… is not PostgreSQL; MaintainX needs 15+")
    return url
