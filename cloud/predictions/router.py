"""HTTP routes of predictions."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from cloud.api.deps import SessionDep
from cloud.predictions import service
from cloud.predictions.schemas import PredictionSeries
from cloud.timerange import TimeRangeDep

router = APIRouter(tags=["predictions"])


@router.get("/machines/{machine_id}/predictions", response_model=PredictionSeries)
def get_predictions(machine_id: uuid.UUID, window: TimeRangeDep, db_session: SessionDep) -> PredictionSeries:
    """A machine's predictions in [start, end), at most 2000 points."""
    return service.predictions(db_session=db_session, machine_id=machine_id, window=window)
