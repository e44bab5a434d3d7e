"""HTTP routes of maintenance tickets."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from cloud.api.deps import CommandsDep, SessionDep
from cloud.tickets import service
from cloud.tickets.models import TicketStatus
from cloud.tickets.schemas import TicketRead, TicketUpdate

router = APIRouter(prefix="/tickets", tags=["tickets"])


@router.get("", response_model=list[TicketRead])
def list_tickets(
    db_session: SessionDep,
    status: TicketStatus | None = None,
    machine_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = service.DEFAULT_LIMIT,
) -> list[TicketRead]:
    """Tickets, newest first."""
    return service.get_all(db_session=db_session, status=status, machine_id=machine_id, limit=limit)


@router.get("/{ticket_id}", response_model=TicketRead)
def get_ticket(ticket_id: uuid.UUID, db_session: SessionDep) -> TicketRead:
    """One ticket."""
    return service.get(db_session=db_session, ticket_id=ticket_id)


@router.patch("/{ticket_id}", response_model=TicketRead)
def update_ticket(
    ticket_id: uuid.UUID, changes: TicketUpdate, db_session: SessionDep, commands: CommandsDep
) -> TicketRead:
    """Move a ticket one step forward (OPEN -> IN_PROGRESS -> RESOLVED) and/or assign a technician."""
    return service.update(db_session=db_session, ticket_id=ticket_id, changes=changes, commands=commands)
