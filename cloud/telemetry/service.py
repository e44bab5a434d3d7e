"""Reading one machine's sensor data for a chart."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud import timeseries
from cloud.api.timerange import TimeRange
from cloud.machines import service as machines
from cloud.telemetry.models import SensorData
from cloud.telemetry.schemas import ReadingPoint, ReadingSeries

SIGNALS = ("temperature", "vibration", "rpm")


def readings(
    *, db_session: Session, machine_id: uuid.UUID, window: TimeRange, max_points: int = timeseries.MAX_POINTS
) -> ReadingSeries:
    """The machine's readings in ``window``, bucket-averaged down to ``max_points`` when there are more."""
    machines.require(db_session=db_session, machine_id=machine_id)
    rows = timeseries.series(
        db_session=db_session,
        table=SensorData.__table__,  # type: ignore[arg-type]
        machine_id=machine_id,
        window=window,
        columns=SIGNALS,
        aggregates=dict.fromkeys(SIGNALS, sa.func.avg),
        max_points=max_points,
    )
    return ReadingSeries(
        machine_id=machine_id,
        start=window.start,
        end=window.end,
        points=[ReadingPoint.model_validate(row) for row in rows],
    )
