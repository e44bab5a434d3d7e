"""What the API says about sensor readings."""

from __future__ import annotations

import uuid

from pydantic import BaseModel

from cloud.timerange import UtcDatetime


class ReadingPoint(BaseModel):
    """One reading, or the average of the readings in one time bucket."""

    ts: UtcDatetime
    temperature: float | None
    vibration: float | None
    rpm: float | None


class ReadingSeries(BaseModel):
    """One machine's readings in a time range, oldest first."""

    machine_id: uuid.UUID
    start: UtcDatetime
    end: UtcDatetime
    points: list[ReadingPoint]
