"""The one writer of tickets and their audit trail, with ``cloud/tickets/system.py``: here what people do
(lifecycle, assignment, outcomes, comments); there what the system does (the engine opens and escalates,
the preventive scheduler opens and pulls forward, the demo closes a finished day).

Reading (filters, sorting, pages, history) lives in ``cloud.tickets.queries``. Every change here writes a
``ticket_events`` row in the same transaction (with its actor, or none for the system), so the trail cannot
miss a change; no module outside ``cloud/tickets`` writes either table
(tests/unit/cloud/tickets/test_one_writer.py).
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cloud.auth.errors import PermissionDeniedError
from cloud.errors import ConflictError, InvalidRequestError, NotFoundError
from cloud.machines.models import Machine
from cloud.notify import CommandSink
from cloud.pm.models import PmScheduleMachine
from cloud.tickets.models import (
    MaintenanceTicket,
    TicketEvent,
    TicketKind,
    TicketOutcome,
    TicketStatus,
)
from cloud.tickets.queries import get, get_event
from cloud.tickets.schemas import (
    CancelRequest,
    CommentCreate,
    ReopenRequest,
    TicketCreate,
    TicketEventRead,
    TicketRead,
    TicketUpdate,
)
from cloud.users.models import User, UserRole
from contract import MaintenanceCommand

logger = logging.getLogger(__name__)

# The only step each status may take; there is no skipping and no going back.
NEXT_STATUS = {TicketStatus.OPEN: TicketStatus.IN_PROGRESS, TicketStatus.IN_PROGRESS: TicketStatus.RESOLVED}


def _event(
    db_session: Session, ticket: MaintenanceTicket, actor: User | None, kind: str, **data: Any
) -> TicketEvent:
    event = TicketEvent(ticket_id=ticket.id, actor_id=actor.id if actor else None, kind=kind, data=data)
    db_session.add(event)
    return event


def record(
    db_session: Session, ticket: MaintenanceTicket, actor: User | None, kind: str, **data: Any
) -> TicketEvent:
    """Append an audit event for a change made elsewhere in the ticket's domain (work done, PM); the caller
    commits, so the change and its event land together. ``actor`` None = the engine or scheduler."""
    ticket.updated_at = datetime.now(UTC)
    return _event(db_session, ticket, actor, kind, **data)


def locked(db_session: Session, ticket_id: uuid.UUID) -> MaintenanceTicket:
    """The ticket, locked for update until the transaction ends; NotFoundError when there is none."""
    return _locked(db_session, ticket_id)


def check_may_work(user: User, ticket: MaintenanceTicket) -> None:
    """Engineers and admins work any ticket; a technician only one assigned to them."""
    if not _is_manager(user) and ticket.technician_id != user.id:
        raise PermissionDeniedError(f"ticket {ticket.id} is not assigned to you")


def _locked(db_session: Session, ticket_id: uuid.UUID) -> MaintenanceTicket:
    ticket = db_session.scalars(
        sa.select(MaintenanceTicket).where(MaintenanceTicket.id == ticket_id).with_for_update()
    ).first()
    if ticket is None:
        raise NotFoundError(f"ticket {ticket_id} does not exist")
    return ticket


def _is_manager(user: User) -> bool:
    return user.role in (UserRole.ADMIN, UserRole.ENGINEER)


def _check_may_change(user: User, ticket: MaintenanceTicket, changes: TicketUpdate) -> None:
    """Technicians change only their own tickets; they may take an unassigned one for themselves."""
    if _is_manager(user):
        return
    sent = changes.model_fields_set
    if "priority" in sent:
        raise PermissionDeniedError("technicians cannot reassign or reprioritise tickets")
    claims = "technician_id" in sent and changes.technician_id == user.id and ticket.technician_id is None
    if "technician_id" in sent and not claims and changes.technician_id != ticket.technician_id:
        raise PermissionDeniedError("technicians cannot reassign or reprioritise tickets")
    if ticket.technician_id != user.id and not claims:
        raise PermissionDeniedError(f"ticket {ticket.id} is not assigned to you")


def _check_transition(current: TicketStatus, wanted: TicketStatus) -> None:
    allowed = NEXT_STATUS.get(current)
    if allowed is None:
        raise ConflictError(f"ticket is {current.value} and can change no more")
    if wanted != allowed:
        raise ConflictError(f"ticket can go from {current.value} to {allowed.value} only")


# Outcomes that fit only some kinds of work; CANCELLED is set by ``cancel`` alone.
_OUTCOME_KINDS = {
    TicketOutcome.MISSED: (TicketKind.CORRECTIVE,),
    TicketOutcome.COMPLETED: (TicketKind.PREVENTIVE,),
    TicketOutcome.FALSE_ALARM: (TicketKind.PREDICTIVE, TicketKind.SENSOR, TicketKind.CORRECTIVE),
    TicketOutcome.CANCELLED: (),
}


def _check_outcome(changes: TicketUpdate, kind: TicketKind) -> None:
    """Resolving needs an outcome that fits the ticket's kind, and a confirmed fault its root cause (and,
    optionally, the failure mode found); none of them is sent otherwise."""
    resolving = changes.status is TicketStatus.RESOLVED
    if not resolving:
        for name in ("outcome", "root_cause", "found_fault"):
            if getattr(changes, name) is not None:
                raise InvalidRequestError(f"{name} is recorded only when resolving", ("body", name))
        return
    if changes.outcome is None:
        raise InvalidRequestError(
            "resolving needs an outcome: CONFIRMED_FAULT (with root_cause), FALSE_ALARM,"
            " COMPLETED (preventive) or MISSED (corrective)",
            ("body", "outcome"),
        )
    fits = _OUTCOME_KINDS.get(changes.outcome)
    if fits is not None and kind not in fits:
        where = (
            "use POST /tickets/{id}/cancel"
            if changes.outcome is TicketOutcome.CANCELLED
            else (f"it fits {' or '.join(k.value for k in fits)} tickets only")
        )
        raise InvalidRequestError(
            f"outcome {changes.outcome.value} does not fit a {kind.value} ticket: {where}",
            ("body", "outcome"),
        )
    if changes.outcome is TicketOutcome.CONFIRMED_FAULT and not (changes.root_cause or "").strip():
        raise InvalidRequestError("a confirmed fault needs its root_cause", ("body", "root_cause"))
    if changes.outcome is TicketOutcome.FALSE_ALARM and changes.found_fault is not None:
        raise InvalidRequestError("a false alarm has no failure mode found", ("body", "found_fault"))


def _check_technician(db_session: Session, user_id: uuid.UUID) -> None:
    """Refuse to assign a ticket to someone who is not an active technician."""
    user = db_session.get(User, user_id)
    if user is None:
        raise InvalidRequestError(f"technician {user_id} does not exist", ("body", "technician_id"))
    if user.role is not UserRole.TECHNICIAN or not user.is_active:
        raise InvalidRequestError(f"user {user_id} is not an active technician", ("body", "technician_id"))


def update(
    *,
    db_session: Session,
    ticket_id: uuid.UUID,
    changes: TicketUpdate,
    actor: User,
    commands: CommandSink,
    exit_threshold: float | None = None,
) -> TicketRead:
    """Apply ``changes`` as ``actor``; resolving tells the machine's gateway that the machine was repaired.

    ``exit_threshold``: the policy's level below which a resolved machine is back to normal (aftercare).
    """
    ticket = _locked(db_session, ticket_id)
    _check_may_change(actor, ticket, changes)
    _check_outcome(changes, ticket.kind)
    now = datetime.now(UTC)
    if changes.status is not None:
        _check_transition(ticket.status, changes.status)
    if "technician_id" in changes.model_fields_set and changes.technician_id != ticket.technician_id:
        if changes.technician_id is not None:
            _check_technician(db_session, changes.technician_id)
        _event(db_session, ticket, actor, "assigned", **{"from": _str(ticket.technician_id)},
               to=_str(changes.technician_id))  # fmt: skip
        ticket.technician_id = changes.technician_id
    if changes.priority is not None and changes.priority != ticket.priority:
        _event(
            db_session,
            ticket,
            actor,
            "priority",
            **{"from": ticket.priority.value},
            to=changes.priority.value,
        )
        ticket.priority = changes.priority
    if changes.status is not None:
        _event(db_session, ticket, actor, "status", **{"from": ticket.status.value}, to=changes.status.value)
        ticket.status = changes.status
    if changes.status is TicketStatus.RESOLVED:
        assert changes.outcome is not None  # _check_outcome made sure
        ticket.resolved_at = now
        ticket.outcome = changes.outcome
        ticket.root_cause = (changes.root_cause or "").strip() or None
        ticket.found_fault = changes.found_fault
        _event(
            db_session,
            ticket,
            actor,
            "outcome",
            outcome=changes.outcome.value,
            root_cause=ticket.root_cause,
            found_fault=ticket.found_fault,
        )
        _restart_schedule(db_session, ticket, now)
    ticket.updated_at = now
    gateway_id = db_session.execute(
        sa.select(Machine.gateway_id).where(Machine.id == ticket.machine_id)
    ).scalar()
    db_session.commit()
    if changes.status is TicketStatus.RESOLVED and _tell_gateway(commands, ticket, gateway_id, now):
        # Gateways do not acknowledge commands: the trail says what was sent, where and when, honestly.
        _event(db_session, ticket, actor, "repair_sent", gateway_id=gateway_id, queued=not commands.connected)
        db_session.commit()
    return get(db_session=db_session, ticket_id=ticket.id, exit_threshold=exit_threshold)


def _str(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None


def _tell_gateway(
    commands: CommandSink, ticket: MaintenanceTicket, gateway_id: str | None, now: datetime
) -> bool:
    """Send the repair command; False when the machine has no gateway to tell."""
    # After the commit: the gateway hears of a repair only once the resolution is stored.
    if gateway_id is None:
        logger.warning(
            "ticket %s resolved, but machine %s has no gateway to tell", ticket.id, ticket.machine_id
        )
        return False
    command = MaintenanceCommand(machine_id=ticket.machine_id, ticket_id=ticket.id, ts=now)
    commands.send_maintenance(gateway_id, command)
    return True


def create(*, db_session: Session, ticket_in: TicketCreate, actor: User) -> TicketRead:
    """A ticket made by hand; ConflictError when the machine already has an open one for this fault."""
    if db_session.get(Machine, ticket_in.machine_id) is None:
        raise InvalidRequestError(f"machine {ticket_in.machine_id} does not exist", ("body", "machine_id"))
    if ticket_in.technician_id is not None:
        _check_technician(db_session, ticket_in.technician_id)
    now = datetime.now(UTC)
    ticket = MaintenanceTicket(
        machine_id=ticket_in.machine_id,
        title=ticket_in.title,
        priority=ticket_in.priority,
        fault=ticket_in.fault,
        technician_id=ticket_in.technician_id,
        kind=ticket_in.kind,
        reason={},
        created_at=now,
        updated_at=now,
    )
    db_session.add(ticket)
    try:
        db_session.flush()
    except IntegrityError as exc:
        db_session.rollback()
        raise ConflictError(
            f"machine {ticket_in.machine_id} already has an open ticket for fault {ticket_in.fault}"
        ) from exc
    _event(
        db_session,
        ticket,
        actor,
        "created",
        fault=ticket.fault,
        priority=ticket.priority.value,
        ticket_kind=ticket.kind.value,
    )
    if ticket.technician_id is not None:
        _event(db_session, ticket, actor, "assigned", **{"from": None}, to=str(ticket.technician_id))
    db_session.commit()
    return get(db_session=db_session, ticket_id=ticket.id)


def comment(
    *, db_session: Session, ticket_id: uuid.UUID, comment_in: CommentCreate, actor: User
) -> TicketEventRead:
    """Add a note to a ticket (technicians: only to their own tickets)."""
    ticket = _locked(db_session, ticket_id)
    if not _is_manager(actor) and ticket.technician_id != actor.id:
        raise PermissionDeniedError(f"ticket {ticket.id} is not assigned to you")
    event = _event(db_session, ticket, actor, "comment", text=comment_in.text)
    # A comment is a change people watching the ticket want to see (the live stream follows updated_at).
    ticket.updated_at = datetime.now(UTC)
    db_session.commit()
    return get_event(db_session=db_session, event_id=event.id)


def _restart_schedule(db_session: Session, ticket: MaintenanceTicket, now: datetime) -> None:
    """A preventive work order closed (done or cancelled): its schedule counts again from now for this
    machine, from the meter's current reading; the scheduler computes the next due date."""
    if ticket.pm_schedule_id is None:
        return
    db_session.execute(
        sa.update(PmScheduleMachine)
        .where(
            PmScheduleMachine.schedule_id == ticket.pm_schedule_id,
            PmScheduleMachine.machine_id == ticket.machine_id,
        )
        .values(
            baseline_at=now,
            baseline_meter=PmScheduleMachine.meter,
            due_at=None,
            pulled_forward=None,
            updated_at=now,
        )
    )


def reopen(*, db_session: Session, ticket_id: uuid.UUID, request: ReopenRequest, actor: User) -> TicketRead:
    """RESOLVED -> OPEN with a reason; the outcome is cleared (the trail keeps it). ConflictError when the
    machine has meanwhile another open ticket for the same fault or schedule."""
    ticket = _locked(db_session, ticket_id)
    check_may_work(actor, ticket)
    if ticket.status is not TicketStatus.RESOLVED:
        raise ConflictError(f"ticket is {ticket.status.value}: only a RESOLVED ticket can be reopened")
    now = datetime.now(UTC)
    _event(
        db_session,
        ticket,
        actor,
        "reopened",
        **{"from": ticket.status.value},
        to=TicketStatus.OPEN.value,
        reason=request.reason,
        outcome=ticket.outcome.value if ticket.outcome else None,
    )
    ticket.status = TicketStatus.OPEN
    ticket.resolved_at = ticket.outcome = ticket.root_cause = ticket.found_fault = None
    ticket.cancel_reason = None
    ticket.updated_at = now
    try:
        db_session.commit()
    except IntegrityError as exc:
        db_session.rollback()
        raise ConflictError(
            f"machine {ticket.machine_id} already has an open ticket for this fault or schedule: "
            "resolve or cancel it first"
        ) from exc
    return get(db_session=db_session, ticket_id=ticket.id)


def cancel(*, db_session: Session, ticket_id: uuid.UUID, request: CancelRequest, actor: User) -> TicketRead:
    """Close an unresolved ticket without the work: RESOLVED with outcome CANCELLED and the reason. No repair
    command goes to the gateway (nothing was repaired); a preventive work order's schedule restarts."""
    ticket = _locked(db_session, ticket_id)
    if not _is_manager(actor):
        raise PermissionDeniedError("only engineers and admins cancel tickets")
    if ticket.status is TicketStatus.RESOLVED:
        raise ConflictError("ticket is RESOLVED already: reopen it first")
    now = datetime.now(UTC)
    _event(
        db_session,
        ticket,
        actor,
        "cancelled",
        **{"from": ticket.status.value},
        to=TicketStatus.RESOLVED.value,
        reason=request.reason,
    )
    ticket.status = TicketStatus.RESOLVED
    ticket.outcome = TicketOutcome.CANCELLED
    ticket.cancel_reason = request.reason
    ticket.resolved_at = ticket.updated_at = now
    _restart_schedule(db_session, ticket, now)
    db_session.commit()
    return get(db_session=db_session, ticket_id=ticket.id)
