"""The system's writes of tickets and their trail: the ticket engine opens and escalates, the demo closes a
finished day. Events carry no actor. With ``cloud/tickets/service.py`` (what people do), this is the only
code that writes ``maintenance_tickets`` and ``ticket_events`` (tests/unit/cloud/tickets/test_one_writer.py).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from cloud.engine.assign import choose_technician
from cloud.machines.models import Machine
from cloud.pm.models import PmSchedule
from cloud.tickets import service
from cloud.tickets.models import MaintenanceTicket, TicketEvent, TicketKind, TicketPriority, TicketStatus
from cloud.workdone.models import ChecklistItem
from contract import new_id


class Assignee(Protocol):
    """The technician a new ticket is given to, as the engine chose them."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def name(self) -> str: ...
    @property
    def load(self) -> int: ...


def _system_event(
    db_session: Session, ticket_id: uuid.UUID, kind: str, data: dict[str, Any], at: Any
) -> None:
    db_session.add(TicketEvent(ticket_id=ticket_id, kind=kind, data=data, at=at, actor_id=None))


def open_predictive(
    *,
    db_session: Session,
    machine_id: uuid.UUID,
    title: str,
    priority: TicketPriority,
    fault: str,
    reason: dict[str, Any],
    model_version: str,
    risk: float,
    technician: Assignee | None,
    at: datetime,
) -> uuid.UUID | None:
    """Open the engine's ticket with its "created" (and "assigned") events; None when one is already open.

    Another engine may have opened one a moment ago: the partial unique index on open tickets per machine
    and fault decides, quietly. No commit: the engine's tick owns the transaction (a savepoint per machine).
    """
    statement = (
        insert(MaintenanceTicket)
        .values(
            id=new_id(),
            machine_id=machine_id,
            title=title,
            status=TicketStatus.OPEN,
            priority=priority,
            created_at=at,
            updated_at=at,
            reason=reason,
            fault=fault,
            technician_id=technician.id if technician is not None else None,
        )
        .on_conflict_do_nothing(
            index_elements=[MaintenanceTicket.machine_id, MaintenanceTicket.fault],
            index_where=MaintenanceTicket.status != TicketStatus.RESOLVED,
        )
    )
    ticket_id: uuid.UUID | None = db_session.execute(statement.returning(MaintenanceTicket.id)).scalar()
    if ticket_id is None:
        return None
    created = {
        "priority": priority.name,
        "fault": fault,
        "model_version": model_version,
        "risk": round(risk, 4),
    }
    _system_event(db_session, ticket_id, "created", created, at)
    if technician is not None:
        assigned = {
            "to": str(technician.id),
            "name": technician.name,
            "load": technician.load,
            "rule": "least_loaded",
        }
        _system_event(db_session, ticket_id, "assigned", assigned, at)
    return ticket_id


def escalate(
    *,
    db_session: Session,
    ticket_id: uuid.UUID,
    from_priority: TicketPriority,
    to: TicketPriority,
    risk: float,
    prediction_ts: datetime,
    at: datetime,
) -> None:
    """Raise an open ticket's priority (the engine never lowers one) and record why; no commit."""
    db_session.execute(
        sa.update(MaintenanceTicket)
        .where(MaintenanceTicket.id == ticket_id)
        .values(priority=to, updated_at=at)
    )
    data = {
        "from": from_priority.name,
        "to": to.name,
        "risk": round(risk, 4),
        "prediction_ts": prediction_ts.astimezone(UTC).isoformat(),
    }
    _system_event(db_session, ticket_id, "priority", data, at)


def close_left_open(*, db_session: Session, note: str) -> int:
    """Resolve, without an outcome, every ticket still open (the demo's new day); return how many."""
    left_open = db_session.scalars(
        sa.select(MaintenanceTicket)
        .where(MaintenanceTicket.status != TicketStatus.RESOLVED)
        .with_for_update()
    ).all()
    for ticket in left_open:
        before = ticket.status
        ticket.status = TicketStatus.RESOLVED
        ticket.resolved_at = sa.func.now()
        db_session.add(TicketEvent(ticket_id=ticket.id, kind="comment", data={"text": note}))
        db_session.add(
            TicketEvent(ticket_id=ticket.id, kind="status", data={"from": before.value, "to": "RESOLVED"})
        )
    return len(left_open)


def _trail(db_session: Session, ticket: MaintenanceTicket, kind: str, **data: Any) -> None:
    db_session.add(TicketEvent(ticket_id=ticket.id, actor_id=None, kind=kind, data=data))


def open_preventive(
    db_session: Session,
    *,
    schedule: PmSchedule,
    machine: Machine,
    due_at: datetime,
    pulled: dict[str, Any] | None,
    now: datetime,
) -> uuid.UUID | None:
    """Open the schedule's work order for ``machine`` with its checklist; None when one is open already (the
    partial unique index decides between two schedulers). The caller commits."""
    technician = choose_technician(db_session, machine.location, machine.line_id)
    title = f"{schedule.name}: {machine.name}, due {due_at:%Y-%m-%d}"
    statement = (
        insert(MaintenanceTicket)
        .values(
            id=new_id(),
            machine_id=machine.id,
            title=title,
            status=TicketStatus.OPEN,
            priority=TicketPriority(schedule.priority),
            kind=TicketKind.PREVENTIVE,
            created_at=now,
            updated_at=now,
            reason={"pm": {"schedule_name": schedule.name, "pulled_forward": pulled}},
            # Unique per schedule, so the one-open-ticket-per-fault index never blocks another schedule.
            fault=f"pm:{schedule.id}",
            technician_id=technician.id if technician is not None else None,
            pm_schedule_id=schedule.id,
            due_at=due_at,
        )
        .on_conflict_do_nothing()
        .returning(MaintenanceTicket.id)
    )
    ticket_id = db_session.execute(statement).scalar()
    if ticket_id is None:
        return None
    ticket = db_session.get_one(MaintenanceTicket, ticket_id)
    for position, text in enumerate(schedule.checklist):
        db_session.add(ChecklistItem(ticket_id=ticket_id, position=position, text=text))
    _trail(
        db_session,
        ticket,
        "created",
        ticket_kind=TicketKind.PREVENTIVE.value,
        priority=schedule.priority,
        schedule_id=str(schedule.id),
        due_at=due_at.isoformat(),
        pulled_forward=pulled,
    )
    if technician is not None:
        _trail(db_session, ticket, "assigned", to=str(technician.id), name=technician.name,
               load=technician.load, rule="least_loaded")  # fmt: skip
    return ticket_id


def pull_forward(
    db_session: Session, *, ticket_id: uuid.UUID, due_at: datetime, pulled: dict[str, Any], now: datetime
) -> bool:
    """Move an open preventive work order's due date earlier because a prediction's risk rose; the trail and
    the ticket's reason say which prediction. False when it is due by then already. The caller commits."""
    ticket = service.locked(db_session, ticket_id)
    if ticket.due_at is not None and due_at >= ticket.due_at:
        return False
    _trail(db_session, ticket, "pulled_forward", **{"from": _iso(ticket.due_at)}, to=due_at.isoformat(),
           prediction=pulled)  # fmt: skip
    pm = dict((ticket.reason or {}).get("pm") or {})
    pm["pulled_forward"] = pulled
    ticket.reason = {**(ticket.reason or {}), "pm": pm}
    ticket.due_at = due_at
    ticket.updated_at = now
    return True


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
