"""HTTP routes of PM schedules: everyone reads them, engineers and admins change them."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from cloud.api.deps import CurrentUser, EngineerUser, SessionDep
from cloud.pm import service
from cloud.pm.schemas import PmScheduleIn, PmScheduleRead

router = APIRouter(prefix="/pm-schedules", tags=["preventive maintenance"])


@router.get("", response_model=list[PmScheduleRead])
def list_schedules(
    db_session: SessionDep, user: CurrentUser, machine_id: uuid.UUID | None = None
) -> list[PmScheduleRead]:
    """Every schedule with each machine's next due date (those covering ``machine_id`` when given)."""
    return service.list_schedules(db_session=db_session, machine_id=machine_id)


@router.post("", response_model=PmScheduleRead, status_code=status.HTTP_201_CREATED)
def create_schedule(body: PmScheduleIn, db_session: SessionDep, user: EngineerUser) -> PmScheduleRead:
    """A new schedule for one machine or every machine of a type."""
    return service.create(db_session=db_session, schedule_in=body, actor=user)


@router.get("/{schedule_id}", response_model=PmScheduleRead)
def get_schedule(schedule_id: uuid.UUID, db_session: SessionDep, user: CurrentUser) -> PmScheduleRead:
    """One schedule."""
    return service.get(db_session=db_session, schedule_id=schedule_id)


@router.put("/{schedule_id}", response_model=PmScheduleRead)
def replace_schedule(
    schedule_id: uuid.UUID, body: PmScheduleIn, db_session: SessionDep, user: EngineerUser
) -> PmScheduleRead:
    """Replace a schedule's definition."""
    return service.replace(db_session=db_session, schedule_id=schedule_id, schedule_in=body)


@router.delete("/{schedule_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_schedule(schedule_id: uuid.UUID, db_session: SessionDep, user: EngineerUser) -> None:
    """Delete a schedule (its work orders stay)."""
    service.delete(db_session=db_session, schedule_id=schedule_id)
