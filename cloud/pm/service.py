"""PM schedules as engineers manage them: create, replace, delete, and read with each machine's state."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from cloud.errors import InvalidRequestError, NotFoundError
from cloud.machines.models import Machine
from cloud.pm.models import PmSchedule, PmScheduleMachine
from cloud.pm.schemas import PmMachineState, PmScheduleIn, PmScheduleRead, Rule
from cloud.tickets.models import MaintenanceTicket, TicketPriority, TicketStatus
from cloud.tickets.schemas import PullForward
from cloud.users.models import User

_RULE = TypeAdapter[Rule](Rule)


def _machine_states(
    db_session: Session, schedule_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[PmMachineState]]:
    open_ticket = (
        sa.select(MaintenanceTicket.id)
        .where(
            MaintenanceTicket.pm_schedule_id == PmScheduleMachine.schedule_id,
            MaintenanceTicket.machine_id == PmScheduleMachine.machine_id,
            MaintenanceTicket.status != TicketStatus.RESOLVED,
        )
        .limit(1)
        .scalar_subquery()
    )
    rows = db_session.execute(
        sa.select(PmScheduleMachine, Machine.name, open_ticket)
        .join(Machine, Machine.id == PmScheduleMachine.machine_id)
        .where(PmScheduleMachine.schedule_id.in_(schedule_ids))
        .order_by(PmScheduleMachine.due_at.asc().nulls_last(), Machine.name)
    )
    out: dict[uuid.UUID, list[PmMachineState]] = {}
    for state, name, ticket_id in rows:
        out.setdefault(state.schedule_id, []).append(
            PmMachineState(
                machine_id=state.machine_id,
                machine_name=name,
                baseline_at=state.baseline_at,
                meter=state.meter - state.baseline_meter if state.cursor_at is not None else None,
                due_at=state.due_at,
                pulled_forward=PullForward.model_validate(state.pulled_forward)
                if state.pulled_forward
                else None,
                open_ticket_id=ticket_id,
            )
        )
    return out


def _to_schema(schedule: PmSchedule, machines: list[PmMachineState]) -> PmScheduleRead:
    dues = [m.due_at for m in machines if m.due_at is not None]
    return PmScheduleRead(
        id=schedule.id,
        name=schedule.name,
        machine_id=schedule.machine_id,
        machine_type=schedule.machine_type,
        rule=_RULE.validate_python(schedule.rule),
        lead_days=schedule.lead_days,
        max_pull_forward_days=schedule.max_pull_forward_days,
        risk_threshold=schedule.risk_threshold,
        priority=TicketPriority(schedule.priority),
        checklist=list(schedule.checklist),
        active=schedule.active,
        created_at=schedule.created_at,
        updated_at=schedule.updated_at,
        next_due_at=min(dues) if dues else None,
        pulled_forward=any(m.pulled_forward for m in machines),
        machines=machines,
    )


def list_schedules(*, db_session: Session, machine_id: uuid.UUID | None = None) -> list[PmScheduleRead]:
    """Every schedule (those covering ``machine_id`` when given), by name."""
    query = sa.select(PmSchedule).order_by(PmSchedule.name, PmSchedule.id)
    if machine_id is not None:
        machine_type = sa.select(Machine.type).where(Machine.id == machine_id).scalar_subquery()
        query = query.where(
            sa.or_(PmSchedule.machine_id == machine_id, PmSchedule.machine_type == machine_type)
        )
    schedules = list(db_session.scalars(query))
    states = _machine_states(db_session, [s.id for s in schedules])
    return [_to_schema(s, states.get(s.id, [])) for s in schedules]


def get(*, db_session: Session, schedule_id: uuid.UUID) -> PmScheduleRead:
    """One schedule; NotFoundError when there is none."""
    schedule = db_session.get(PmSchedule, schedule_id)
    if schedule is None:
        raise NotFoundError(f"PM schedule {schedule_id} does not exist")
    return _to_schema(schedule, _machine_states(db_session, [schedule.id]).get(schedule.id, []))


def _check_target(db_session: Session, schedule_in: PmScheduleIn) -> None:
    if schedule_in.machine_id is not None and db_session.get(Machine, schedule_in.machine_id) is None:
        raise InvalidRequestError(f"machine {schedule_in.machine_id} does not exist", ("body", "machine_id"))


def _apply(schedule: PmSchedule, schedule_in: PmScheduleIn) -> None:
    schedule.name = schedule_in.name.strip()
    schedule.machine_id = schedule_in.machine_id
    schedule.machine_type = schedule_in.machine_type
    schedule.rule = schedule_in.rule.model_dump(mode="json")
    schedule.lead_days = schedule_in.lead_days
    schedule.max_pull_forward_days = schedule_in.max_pull_forward_days
    schedule.risk_threshold = schedule_in.risk_threshold
    schedule.priority = schedule_in.priority.value
    schedule.checklist = [item.strip() for item in schedule_in.checklist]
    schedule.active = schedule_in.active


def create(*, db_session: Session, schedule_in: PmScheduleIn, actor: User) -> PmScheduleRead:
    """A new schedule; the scheduler picks it up on its next pass."""
    _check_target(db_session, schedule_in)
    now = datetime.now(UTC)
    schedule = PmSchedule(created_by=actor.id, created_at=now, updated_at=now)
    _apply(schedule, schedule_in)
    db_session.add(schedule)
    db_session.commit()
    return get(db_session=db_session, schedule_id=schedule.id)


def replace(*, db_session: Session, schedule_id: uuid.UUID, schedule_in: PmScheduleIn) -> PmScheduleRead:
    """Replace a schedule's definition. Machines keep their baselines (the last PM done); a changed rule
    recounts meters from the baseline, and machines no longer covered drop out."""
    schedule = db_session.get(PmSchedule, schedule_id, with_for_update=True)
    if schedule is None:
        raise NotFoundError(f"PM schedule {schedule_id} does not exist")
    _check_target(db_session, schedule_in)
    old_rule, old_target = schedule.rule, (schedule.machine_id, schedule.machine_type)
    _apply(schedule, schedule_in)
    states = sa.update(PmScheduleMachine).where(PmScheduleMachine.schedule_id == schedule.id)
    if (schedule.machine_id, schedule.machine_type) != old_target:
        db_session.execute(sa.delete(PmScheduleMachine).where(PmScheduleMachine.schedule_id == schedule.id))
    elif schedule.rule != old_rule:
        db_session.execute(
            states.values(meter=0.0, baseline_meter=0.0, cursor_at=None, cursor_value=None, due_at=None)
        )
    schedule.updated_at = datetime.now(UTC)
    db_session.commit()
    return get(db_session=db_session, schedule_id=schedule.id)


def delete(*, db_session: Session, schedule_id: uuid.UUID) -> None:
    """Delete a schedule; its work orders stay (they keep the schedule's name)."""
    result = db_session.execute(sa.delete(PmSchedule).where(PmSchedule.id == schedule_id))
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFoundError(f"PM schedule {schedule_id} does not exist")
    db_session.commit()
