"""What the API says about machines."""

from __future__ import annotations

import uuid

from pydantic import BaseModel

from cloud.api.timerange import UtcDatetime


class LatestReading(BaseModel):
    """The newest reading of a machine."""

    ts: UtcDatetime
    temperature: float | None
    vibration: float | None
    rpm: float | None


class LatestPrediction(BaseModel):
    """The newest model verdict on a machine."""

    ts: UtcDatetime
    failure_prob: float
    anomaly_score: float
    is_anomaly: bool
    model_version: str


class MachineRead(BaseModel):
    """A machine with its live state: online, newest reading and prediction, open tickets."""

    id: uuid.UUID
    name: str
    type: str
    location: str | None
    created_at: UtcDatetime
    gateway_id: str | None
    online: bool
    latest_reading: LatestReading | None
    latest_prediction: LatestPrediction | None
    open_tickets: int
