"""What the API says about model verdicts."""

from __future__ import annotations

import uuid

from pydantic import BaseModel

from cloud.timerange import UtcDatetime


class PredictionPoint(BaseModel):
    """One verdict, or the worst verdict in one time bucket."""

    ts: UtcDatetime
    failure_prob: float
    anomaly_score: float
    is_anomaly: bool
    model_version: str
    # The failure mode the model named (the one most windows of a bucket named); None when none was.
    fault: str | None = None


class PredictionSeries(BaseModel):
    """One machine's verdicts in a time range, oldest first."""

    machine_id: uuid.UUID
    start: UtcDatetime
    end: UtcDatetime
    points: list[PredictionPoint]
