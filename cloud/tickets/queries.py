"""Reading tickets: filtered, sorted pages, one ticket, and its audit trail."""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from cloud.engine.signals import signal_drivers
from cloud.errors import NotFoundError
from cloud.machines.models import Machine
from cloud.tickets.aftercare import aftercare
from cloud.tickets.models import (
    MaintenanceTicket,
    TicketEvent,
    TicketKind,
    TicketOutcome,
    TicketPriority,
    TicketStatus,
)
from cloud.tickets.schemas import (
    DEFAULT_PAGE,
    Aftercare,
    PreventiveInfo,
    PullForward,
    SignalDriver,
    TicketEventRead,
    TicketPage,
    TicketRead,
    TicketReason,
    TicketSort,
)
from cloud.users.models import User

_Technician = aliased(User, name="technician")
# Most urgent first when sorting by -priority, whatever order the enum type was created in.
_PRIORITY_RANK = sa.case(
    {TicketPriority.LOW: 0, TicketPriority.HIGH: 1, TicketPriority.CRITICAL: 2},
    value=MaintenanceTicket.priority,
)
_ORDER = {
    TicketSort.CREATED_AT: MaintenanceTicket.created_at.asc(),
    TicketSort.CREATED_AT_DESC: MaintenanceTicket.created_at.desc(),
    TicketSort.UPDATED_AT: MaintenanceTicket.updated_at.asc(),
    TicketSort.UPDATED_AT_DESC: MaintenanceTicket.updated_at.desc(),
    TicketSort.PRIORITY: _PRIORITY_RANK.asc(),
    TicketSort.PRIORITY_DESC: _PRIORITY_RANK.desc(),
}


def _reason(reason: dict[str, Any], created_at: datetime) -> TicketReason | None:
    # A ticket made by hand has no prediction behind it and stores an empty reason.
    if not reason.get("model_version"):
        return None
    read = TicketReason.model_validate(reason)
    if not read.signals and read.drivers:
        # Opened before the engine stored signal lines: the drivers still name their signals and units.
        lines = signal_drivers(reason.get("drivers") or [], read.features, None, {})
        read.signals = [SignalDriver.model_validate(line) for line in lines]
    horizon_s = reason.get("horizon_s")
    if isinstance(horizon_s, int | float) and math.isfinite(horizon_s):
        read.failure_expected_by = created_at + timedelta(seconds=horizon_s)
    return read


def to_schema(
    ticket: MaintenanceTicket,
    machine_name: str,
    technician_name: str | None,
    aftercare: Aftercare | None = None,
) -> TicketRead:
    """The API view of a ticket row."""
    return TicketRead(
        id=ticket.id,
        machine_id=ticket.machine_id,
        machine_name=machine_name,
        title=ticket.title,
        status=ticket.status,
        priority=ticket.priority,
        kind=ticket.kind,
        technician_id=ticket.technician_id,
        technician_name=technician_name,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        resolved_at=ticket.resolved_at,
        reason=_reason(ticket.reason, ticket.created_at),
        fault=ticket.fault,
        outcome=ticket.outcome,
        root_cause=ticket.root_cause,
        found_fault=ticket.found_fault,
        pm=_preventive(ticket),
        cancel_reason=ticket.cancel_reason,
        aftercare=aftercare,
    )


def _preventive(ticket: MaintenanceTicket) -> PreventiveInfo | None:
    """The schedule behind a preventive work order (its name is kept in the reason: schedules may go)."""
    if ticket.kind is not TicketKind.PREVENTIVE:
        return None
    pm = (ticket.reason or {}).get("pm") or {}
    pulled = pm.get("pulled_forward")
    return PreventiveInfo(
        schedule_id=ticket.pm_schedule_id,
        schedule_name=str(pm.get("schedule_name") or ticket.title),
        due_at=ticket.due_at,
        pulled_forward=PullForward.model_validate(pulled) if pulled else None,
    )


def select_tickets() -> sa.Select[MaintenanceTicket, str, str]:
    """Tickets with their machine's and technician's names."""
    return (
        sa.select(MaintenanceTicket, Machine.name, _Technician.full_name)
        .join(Machine, Machine.id == MaintenanceTicket.machine_id)
        .outerjoin(_Technician, _Technician.id == MaintenanceTicket.technician_id)
    )


def get_page(
    *,
    db_session: Session,
    status: TicketStatus | None = None,
    machine_id: uuid.UUID | None = None,
    priority: TicketPriority | None = None,
    technician_id: uuid.UUID | None = None,
    assigned: bool | None = None,
    fault: str | None = None,
    sort: TicketSort = TicketSort.CREATED_AT_DESC,
    limit: int = DEFAULT_PAGE,
    offset: int = 0,
    kind: TicketKind | None = None,
    outcome: TicketOutcome | None = None,
) -> TicketPage:
    """One page of the tickets matching every filter given, in ``sort`` order, and the total."""
    conditions: list[sa.ColumnElement[bool]] = []
    if status is not None:
        conditions.append(MaintenanceTicket.status == status)
    if machine_id is not None:
        conditions.append(MaintenanceTicket.machine_id == machine_id)
    if priority is not None:
        conditions.append(MaintenanceTicket.priority == priority)
    if technician_id is not None:
        conditions.append(MaintenanceTicket.technician_id == technician_id)
    if assigned is not None:
        column = MaintenanceTicket.technician_id
        conditions.append(column.is_not(None) if assigned else column.is_(None))
    if fault is not None:
        conditions.append(MaintenanceTicket.fault == fault)
    if kind is not None:
        conditions.append(MaintenanceTicket.kind == kind)
    if outcome is not None:
        conditions.append(MaintenanceTicket.outcome == outcome)
    total = db_session.scalar(sa.select(sa.func.count()).select_from(MaintenanceTicket).where(*conditions))
    # The id breaks ties, so pages never overlap or skip rows.
    query = (
        select_tickets()
        .where(*conditions)
        .order_by(_ORDER[sort], MaintenanceTicket.id.desc())
        .limit(limit)
        .offset(offset)
    )
    items = [to_schema(*row) for row in db_session.execute(query)]
    return TicketPage(items=items, total=total or 0, limit=limit, offset=offset)


def get(*, db_session: Session, ticket_id: uuid.UUID, exit_threshold: float | None = None) -> TicketRead:
    """One ticket (with its aftercare once resolved, when ``exit_threshold`` is given); NotFoundError when
    there is none with this id."""
    row = db_session.execute(select_tickets().where(MaintenanceTicket.id == ticket_id)).first()
    if row is None:
        raise NotFoundError(f"ticket {ticket_id} does not exist")
    ticket = row[0]
    care = None
    if exit_threshold is not None and ticket.resolved_at is not None:
        care = aftercare(db_session, ticket, ticket.resolved_at, exit_threshold)
    return to_schema(*row, aftercare=care)


def _events_query() -> sa.Select[TicketEvent, str]:
    return sa.select(TicketEvent, User.full_name).outerjoin(User, User.id == TicketEvent.actor_id)


def _event_schema(event: TicketEvent, actor_name: str | None) -> TicketEventRead:
    return TicketEventRead(
        id=event.id,
        ticket_id=event.ticket_id,
        at=event.at,
        actor_id=event.actor_id,
        actor_name=actor_name,
        kind=event.kind,
        data=event.data,
    )


def get_events(*, db_session: Session, ticket_id: uuid.UUID) -> list[TicketEventRead]:
    """A ticket's audit trail, oldest first; NotFoundError for an unknown ticket."""
    if db_session.get(MaintenanceTicket, ticket_id) is None:
        raise NotFoundError(f"ticket {ticket_id} does not exist")
    query = _events_query().where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.at, TicketEvent.id)
    return [_event_schema(*row) for row in db_session.execute(query)]


def get_event(*, db_session: Session, event_id: int) -> TicketEventRead:
    """One audit entry."""
    row = db_session.execute(_events_query().where(TicketEvent.id == event_id)).one()
    return _event_schema(*row)
