"""What /api/health reports."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from cloud.timerange import UtcDatetime


class DatabaseHealth(BaseModel):
    """Whether the database answers."""

    ok: bool
    error: str | None


class BrokerHealth(BaseModel):
    """Whether the API's MQTT link is up."""

    connected: bool


class IngestionHealth(BaseModel):
    """Live ingestion workers and how far behind the newest committed reading is."""

    workers: int
    last_commit_at: UtcDatetime | None
    lag_s: float | None
    # True when the newest reading stored is older than ``lag_limit_s``: ingestion (or the plant's data)
    # is behind, whatever the workers' heartbeats say.
    lagging: bool = False
    lag_limit_s: float


class Health(BaseModel):
    """The system's health; "degraded" when any part is down."""

    status: Literal["ok", "degraded"]
    database: DatabaseHealth
    broker: BrokerHealth
    ingestion: IngestionHealth
