"""HTTP routes of sensor readings."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from cloud.api.deps import SessionDep
from cloud.telemetry import service
from cloud.telemetry.schemas import ReadingSeries
from cloud.timerange import TimeRangeDep

router = APIRouter(tags=["telemetry"])


@router.get("/machines/{machine_id}/readings", response_model=ReadingSeries)
def get_readings(machine_id: uuid.UUID, window: TimeRangeDep, db_session: SessionDep) -> ReadingSeries:
    """A machine's readings in [start, end), at most 2000 points."""
    return service.readings(db_session=db_session, machine_id=machine_id, window=window)
