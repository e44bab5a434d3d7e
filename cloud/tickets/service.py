"""Tickets as technicians work them: listing, reading, and the OPEN -> IN_PROGRESS -> RESOLVED lifecycle."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.errors import ConflictError, InvalidRequestError, NotFoundError
from cloud.machines.models import Machine
from cloud.notify import CommandSink
from cloud.tickets.models import MaintenanceTicket, TicketStatus
from cloud.tickets.schemas import TicketRead, TicketUpdate
from cloud.users.models import User, UserRole
from contract import MaintenanceCommand

logger = logging.getLogger(__name__)

# The only step each status may take; there is no skipping and no going back.
NEXT_STATUS = {TicketStatus.OPEN: TicketStatus.IN_PROGRESS, TicketStatus.IN_PROGRESS: TicketStatus.RESOLVED}
DEFAULT_LIMIT = 100


def _to_schema(ticket: MaintenanceTicket, machine_name: str) -> TicketRead:
    return TicketRead(
        id=ticket.id,
        machine_id=ticket.machine_id,
        machine_name=machine_name,
        title=ticket.title,
        status=ticket.status,
        priority=ticket.priority,
        technician_id=ticket.technician_id,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        resolved_at=ticket.resolved_at,
        reason=ticket.reason,  # type: ignore[arg-type]  # validated into TicketReason
    )


def _query() -> sa.Select[MaintenanceTicket, str]:
    return sa.select(MaintenanceTicket, Machine.name).join(
        Machine, Machine.id == MaintenanceTicket.machine_id
    )


def get_all(
    *,
    db_session: Session,
    status: TicketStatus | None = None,
    machine_id: uuid.UUID | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[TicketRead]:
    """Tickets, newest first, optionally of one status and/or one machine."""
    query = _query()
    if status is not None:
        query = query.where(MaintenanceTicket.status == status)
    if machine_id is not None:
        query = query.where(MaintenanceTicket.machine_id == machine_id)
    query = query.order_by(MaintenanceTicket.created_at.desc(), MaintenanceTicket.id.desc()).limit(limit)
    return [_to_schema(ticket, name) for ticket, name in db_session.execute(query)]


def get(*, db_session: Session, ticket_id: uuid.UUID) -> TicketRead:
    """One ticket; NotFoundError when there is none with this id."""
    row = db_session.execute(_query().where(MaintenanceTicket.id == ticket_id)).first()
    if row is None:
        raise NotFoundError(f"ticket {ticket_id} does not exist")
    return _to_schema(row[0], row[1])


def _check_transition(current: TicketStatus, wanted: TicketStatus) -> None:
    allowed = NEXT_STATUS.get(current)
    if allowed is None:
        raise ConflictError(f"ticket is {current.value} and can change no more")
    if wanted != allowed:
        raise ConflictError(f"ticket can go from {current.value} to {allowed.value} only")


def update(
    *, db_session: Session, ticket_id: uuid.UUID, changes: TicketUpdate, commands: CommandSink
) -> TicketRead:
    """Apply ``changes``; resolving tells the machine's gateway that the machine was repaired."""
    row = db_session.execute(
        _query().where(MaintenanceTicket.id == ticket_id).with_for_update(of=MaintenanceTicket)
    ).first()
    if row is None:
        raise NotFoundError(f"ticket {ticket_id} does not exist")
    ticket: MaintenanceTicket = row[0]
    machine_name: str = row[1]
    now = datetime.now(UTC)
    if changes.status is not None:
        _check_transition(ticket.status, changes.status)
        ticket.status = changes.status
        if changes.status is TicketStatus.RESOLVED:
            ticket.resolved_at = now
    if "technician_id" in changes.model_fields_set:
        if changes.technician_id is not None:
            _check_technician(db_session=db_session, user_id=changes.technician_id)
        ticket.technician_id = changes.technician_id
    ticket.updated_at = now
    gateway_id = db_session.execute(
        sa.select(Machine.gateway_id).where(Machine.id == ticket.machine_id)
    ).scalar()
    db_session.commit()
    if changes.status is TicketStatus.RESOLVED:
        # After the commit: the gateway hears of a repair only once the resolution is stored.
        if gateway_id is None:
            logger.warning(
                "ticket %s resolved, but machine %s has no gateway to tell", ticket.id, ticket.machine_id
            )
        else:
            command = MaintenanceCommand(machine_id=ticket.machine_id, ticket_id=ticket.id, ts=now)
            commands.send_maintenance(gateway_id, command)
    return _to_schema(ticket, machine_name)


def _check_technician(*, db_session: Session, user_id: uuid.UUID) -> None:
    """Refuse to assign a ticket to someone who is not an active technician."""
    user = db_session.get(User, user_id)
    if user is None:
        raise InvalidRequestError(f"technician {user_id} does not exist", ("body", "technician_id"))
    if user.role is not UserRole.TECHNICIAN or not user.is_active:
        raise InvalidRequestError(f"user {user_id} is not an active technician", ("body", "technician_id"))
