"""Payload models of the wire contract, one frozen struct per message.

Identity is given at the edge (invariant 1): every reading and prediction carries a time-ordered
UUIDv7 ``id`` and a per-gateway, per-stream ``seq`` so the cloud can store it exactly once and
detect gaps. Times are timezone-aware UTC (invariant 7).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Final, Literal

import msgspec
import uuid6

SCHEMA_VERSION: Final = 1

# Physical plausibility bounds: a value outside them is a broken sensor or a bad payload, not data.
Temperature = Annotated[float, msgspec.Meta(ge=-60.0, le=400.0, description="degrees Celsius")]
Vibration = Annotated[float, msgspec.Meta(ge=0.0, le=500.0, description="RMS velocity, mm/s")]
Rpm = Annotated[float, msgspec.Meta(ge=0.0, le=60_000.0, description="revolutions per minute")]
Probability = Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]
UtcTime = Annotated[datetime, msgspec.Meta(tz=True)]
Seq = Annotated[int, msgspec.Meta(ge=0)]
GatewayId = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
ShortText = Annotated[str, msgspec.Meta(max_length=200)]
# Batches are bounded so one message cannot ask the cloud for unbounded memory.
MAX_BATCH = 5_000


def new_id() -> uuid.UUID:
    """A new time-ordered (UUIDv7) identity for a record made at the edge."""
    return uuid6.uuid7()


class Reading(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One sample of one machine's sensors."""

    id: uuid.UUID
    seq: Seq
    machine_id: uuid.UUID
    ts: UtcTime
    temperature: Temperature
    vibration: Vibration
    rpm: Rpm


class Prediction(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One model verdict on one machine's window ending at ``ts``."""

    id: uuid.UUID
    seq: Seq
    machine_id: uuid.UUID
    ts: UtcTime
    failure_prob: Probability
    anomaly_score: Probability
    is_anomaly: bool
    model_version: ShortText
    # The window features the model saw, by name, so a ticket can say why.
    features: dict[str, float] | None = None


class TelemetryBatch(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="telemetry"):
    """Readings a gateway sends in one message."""

    gateway_id: GatewayId
    sent_at: UtcTime
    readings: Annotated[list[Reading], msgspec.Meta(min_length=1, max_length=MAX_BATCH)]
    schema_version: Literal[1] = SCHEMA_VERSION


class PredictionBatch(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="predictions"):
    """Predictions a gateway sends in one message."""

    gateway_id: GatewayId
    sent_at: UtcTime
    predictions: Annotated[list[Prediction], msgspec.Meta(min_length=1, max_length=MAX_BATCH)]
    schema_version: Literal[1] = SCHEMA_VERSION


class MachineInfo(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A machine a gateway serves, announced in its status so the cloud can register it."""

    id: uuid.UUID
    name: ShortText
    type: ShortText
    location: ShortText | None = None


class GatewayStatus(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="status"):
    """Retained gateway status; the broker publishes the offline form as the last will."""

    gateway_id: GatewayId
    online: bool
    ts: UtcTime
    agent_version: ShortText = ""
    model_version: ShortText = ""
    outbox_depth: Annotated[int, msgspec.Meta(ge=0)] = 0
    dropped: dict[str, int] = {}
    last_error: str | None = None
    machines: list[MachineInfo] = []
    schema_version: Literal[1] = SCHEMA_VERSION


class MaintenanceCommand(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="maintenance"):
    """Cloud to gateway: maintenance was done on a machine (its ticket was resolved)."""

    machine_id: uuid.UUID
    ticket_id: uuid.UUID
    ts: UtcTime
    action: Literal["repaired"] = "repaired"
    schema_version: Literal[1] = SCHEMA_VERSION


Message = TelemetryBatch | PredictionBatch | GatewayStatus | MaintenanceCommand
