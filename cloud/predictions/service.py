"""Reading one machine's predictions for a chart."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud import timeseries
from cloud.machines import service as machines
from cloud.predictions.models import Prediction
from cloud.predictions.schemas import PredictionPoint, PredictionSeries
from cloud.timerange import TimeRange

# When bucketing, keep each bucket's worst verdict: averaging would hide a short risk spike from the chart.
_AGGREGATES = {
    "failure_prob": sa.func.max,
    "anomaly_score": sa.func.max,
    "is_anomaly": sa.func.bool_or,
    "model_version": sa.func.max,
    # The mode most verdicts of the bucket named (NULLs, windows not at risk, are ignored).
    "fault": lambda column: sa.func.mode().within_group(column),
}


def predictions(
    *, db_session: Session, machine_id: uuid.UUID, window: TimeRange, max_points: int = timeseries.MAX_POINTS
) -> PredictionSeries:
    """The machine's predictions in ``window``, bucketed down to ``max_points`` when there are more."""
    machines.require(db_session=db_session, machine_id=machine_id)
    rows = timeseries.series(
        db_session=db_session,
        table=Prediction.__table__,  # type: ignore[arg-type]
        machine_id=machine_id,
        window=window,
        columns=tuple(_AGGREGATES),
        aggregates=_AGGREGATES,
        max_points=max_points,
    )
    return PredictionSeries(
        machine_id=machine_id,
        start=window.start,
        end=window.end,
        points=[PredictionPoint.model_validate(row) for row in rows],
    )
