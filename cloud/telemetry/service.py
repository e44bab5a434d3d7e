"""Reading one machine's sensor data for a chart, at the resolution the range calls for.

Raw rows when the range holds at most ``max_points``; raw rows averaged into time buckets while that
means reading at most ``RAW_READ_LIMIT`` rows; beyond that, the 1-minute or 1-hour roll-ups merged into
at most ``max_points`` buckets. How many readings a range holds is counted on the roll-ups, so even a
months-long range costs a few hundred row reads before the answer.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud import timeseries
from cloud.machines import service as machines
from cloud.storage import rollups
from cloud.telemetry.models import SensorData
from cloud.telemetry.schemas import ReadingPoint, ReadingSeries
from cloud.timerange import TimeRange

SIGNALS = rollups.SIGNALS
# Most raw rows one chart request may read (20 per point); above it the roll-ups answer instead.
RAW_READ_LIMIT = 20 * timeseries.MAX_POINTS


def readings(
    *, db_session: Session, machine_id: uuid.UUID, window: TimeRange, max_points: int = timeseries.MAX_POINTS
) -> ReadingSeries:
    """The machine's readings in ``window``, averaged down to at most ``max_points`` points when more."""
    machines.require(db_session=db_session, machine_id=machine_id)
    held = rollups.estimate_rows(db_session=db_session, machine_id=machine_id, window=window)
    if held <= RAW_READ_LIMIT:
        rows = timeseries.series(
            db_session=db_session,
            table=SensorData.__table__,  # type: ignore[arg-type]
            machine_id=machine_id,
            window=window,
            columns=SIGNALS,
            aggregates=dict.fromkeys(SIGNALS, sa.func.avg),
            max_points=max_points,
        )
    else:
        rows = rollups.series(
            db_session=db_session,
            tier=rollups.pick_tier(window.span, RAW_READ_LIMIT),
            machine_id=machine_id,
            window=window,
            max_points=max_points,
        )
    return ReadingSeries(
        machine_id=machine_id,
        start=window.start,
        end=window.end,
        points=[ReadingPoint.model_validate(row) for row in rows],
    )
