"""HTTP routes of maintenance tickets; who may change what is decided in the service."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from cloud.api.deps import CommandsDep, CurrentUser, EngineerUser, SessionDep, SettingsDep
from cloud.engine.settings import policy_config
from cloud.engine.store import effective_config
from cloud.text import Text
from cloud.tickets import queries, service
from cloud.tickets.models import TicketKind, TicketOutcome, TicketPriority, TicketStatus
from cloud.tickets.schemas import (
    DEFAULT_PAGE,
    MAX_PAGE,
    CancelRequest,
    CommentCreate,
    ReopenRequest,
    TicketCreate,
    TicketEventRead,
    TicketPage,
    TicketRead,
    TicketSort,
    TicketUpdate,
)

router = APIRouter(prefix="/tickets", tags=["tickets"])


def _exit_threshold(db_session: SessionDep, settings: SettingsDep) -> float:
    """The policy's exit level: below it, a resolved machine is back to normal."""
    return effective_config(db_session, policy_config(settings)).exit_threshold


@router.get("", response_model=TicketPage)
def list_tickets(
    db_session: SessionDep,
    user: CurrentUser,
    status: TicketStatus | None = None,
    machine_id: uuid.UUID | None = None,
    priority: TicketPriority | None = None,
    technician_id: uuid.UUID | None = None,
    assigned: bool | None = None,
    fault: Annotated[Text | None, Query(max_length=100)] = None,
    kind: TicketKind | None = None,
    outcome: TicketOutcome | None = None,
    sort: TicketSort = TicketSort.CREATED_AT_DESC,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> TicketPage:
    """A page of tickets matching the filters (newest first unless ``sort`` says otherwise)."""
    return queries.get_page(
        db_session=db_session,
        status=status,
        machine_id=machine_id,
        priority=priority,
        technician_id=technician_id,
        assigned=assigned,
        fault=fault,
        kind=kind,
        outcome=outcome,
        sort=sort,
        limit=limit,
        offset=offset,
    )


@router.post("", response_model=TicketRead, status_code=status.HTTP_201_CREATED)
def create_ticket(body: TicketCreate, db_session: SessionDep, user: EngineerUser) -> TicketRead:
    """Open a ticket by hand (engineers and admins): a reported failure (CORRECTIVE) or a sensor fault."""
    return service.create(db_session=db_session, ticket_in=body, actor=user)


@router.get("/{ticket_id}", response_model=TicketRead)
def get_ticket(
    ticket_id: uuid.UUID, db_session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> TicketRead:
    """One ticket, with its aftercare once resolved (repair sent, back to normal)."""
    return queries.get(
        db_session=db_session, ticket_id=ticket_id, exit_threshold=_exit_threshold(db_session, settings)
    )


@router.patch("/{ticket_id}", response_model=TicketRead)
def update_ticket(
    ticket_id: uuid.UUID,
    changes: TicketUpdate,
    db_session: SessionDep,
    commands: CommandsDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> TicketRead:
    """Move a ticket one step (resolving with its outcome), assign it or change its priority."""
    return service.update(
        db_session=db_session,
        ticket_id=ticket_id,
        changes=changes,
        actor=user,
        commands=commands,
        exit_threshold=_exit_threshold(db_session, settings),
    )


@router.post("/{ticket_id}/comments", response_model=TicketEventRead, status_code=status.HTTP_201_CREATED)
def comment_ticket(
    ticket_id: uuid.UUID, body: CommentCreate, db_session: SessionDep, user: CurrentUser
) -> TicketEventRead:
    """Add a note to a ticket."""
    return service.comment(db_session=db_session, ticket_id=ticket_id, comment_in=body, actor=user)


@router.get("/{ticket_id}/events", response_model=list[TicketEventRead])
def ticket_events(ticket_id: uuid.UUID, db_session: SessionDep, user: CurrentUser) -> list[TicketEventRead]:
    """The ticket's audit trail, oldest first."""
    return queries.get_events(db_session=db_session, ticket_id=ticket_id)


@router.post("/{ticket_id}/reopen", response_model=TicketRead)
def reopen_ticket(
    ticket_id: uuid.UUID, body: ReopenRequest, db_session: SessionDep, user: CurrentUser
) -> TicketRead:
    """Open a resolved ticket again, saying why."""
    return service.reopen(db_session=db_session, ticket_id=ticket_id, request=body, actor=user)


@router.post("/{ticket_id}/cancel", response_model=TicketRead)
def cancel_ticket(
    ticket_id: uuid.UUID, body: CancelRequest, db_session: SessionDep, user: EngineerUser
) -> TicketRead:
    """Close an unresolved ticket without the work (engineers and admins), saying why."""
    return service.cancel(db_session=db_session, ticket_id=ticket_id, request=body, actor=user)
