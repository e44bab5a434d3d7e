"""HTTP routes of machines."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from cloud.api.deps import SessionDep
from cloud.machines import service
from cloud.machines.schemas import MachineRead

router = APIRouter(prefix="/machines", tags=["machines"])


@router.get("", response_model=list[MachineRead])
def list_machines(db_session: SessionDep) -> list[MachineRead]:
    """Every machine with its live state, sorted by name."""
    return service.get_all(db_session=db_session)


@router.get("/{machine_id}", response_model=MachineRead)
def get_machine(machine_id: uuid.UUID, db_session: SessionDep) -> MachineRead:
    """One machine with its live state."""
    return service.get(db_session=db_session, machine_id=machine_id)
