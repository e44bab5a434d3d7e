"""The PM scheduler: one pass over the active schedules, run from the ticket engine's loop.

Each pass, for every machine a schedule covers: make sure it has a state row (its baseline starts when it
joins), advance a meter from its cursor over the readings stored since, work out the due date, pull it
forward when the machine's latest prediction says its risk has risen, and open the work order once the due
date is within the schedule's lead time. All in one transaction under a transaction-scoped advisory lock, so
two engine processes take turns instead of counting a meter twice; the partial unique index on open PM
tickets would stop a duplicate work order even without the lock.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.orm import Session

from cloud.machines.models import Machine
from cloud.pm import rules
from cloud.pm.meters import Cursor, advance
from cloud.pm.models import PmSchedule, PmScheduleMachine
from cloud.pm.schemas import EveryRule, MonthDayRule, Rule
from cloud.predictions.models import Prediction
from cloud.telemetry.models import SensorData
from cloud.tickets import system
from cloud.tickets.models import MaintenanceTicket, TicketStatus

logger = logging.getLogger(__name__)

# pg_try_advisory_xact_lock key: "PMSC" in ASCII; any constant no other part of the project uses.
ADVISORY_LOCK_KEY = 0x504D5343
# Readings younger than this may still be arriving out of order: the meter counts up to now - SETTLE.
SETTLE = timedelta(minutes=1)
# Readings counted per machine and pass: a meter far behind catches up over a few passes.
PAGE = 20_000
_RULE = TypeAdapter[Rule](Rule)


@dataclass(frozen=True, slots=True)
class PmSettings:
    """The scheduler's knobs (``MAINTAINX_PM_*``)."""

    risk_threshold: float = 0.7
    risk_max_age: timedelta = timedelta(hours=1)
    max_gap: timedelta = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class PassResult:
    """What one pass did; ``locked_out`` when another process held the lock."""

    machines: int = 0
    opened: int = 0
    pulled: int = 0
    locked_out: bool = False


def run_pass(session: Session, now: datetime, settings: PmSettings = PmSettings()) -> PassResult:
    """One scheduler pass in the caller's transaction (the caller commits)."""
    if not session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(ADVISORY_LOCK_KEY))):
        return PassResult(locked_out=True)
    machines = opened = pulled = 0
    for schedule in session.scalars(sa.select(PmSchedule).where(PmSchedule.active.is_(True))):
        try:
            rule = _RULE.validate_python(schedule.rule)
        except ValidationError:
            logger.error("PM schedule %s has an unreadable rule, skipped: %s", schedule.id, schedule.rule)
            continue
        targets = _machines(session, schedule)
        risks = _latest_risk(session, [m.id for m in targets], now - settings.risk_max_age)
        for machine in targets:
            # A savepoint per machine: one machine's bad data cannot stop every schedule.
            try:
                with session.begin_nested():
                    done = _machine(session, schedule, rule, machine, risks.get(machine.id), now, settings)
            except sa.exc.OperationalError:
                raise
            except Exception:
                logger.exception("PM scheduler skipped machine %s of schedule %s", machine.id, schedule.id)
                continue
            machines += 1
            opened += done[0]
            pulled += done[1]
    return PassResult(machines=machines, opened=opened, pulled=pulled)


def _machines(session: Session, schedule: PmSchedule) -> list[Machine]:
    if schedule.machine_id is not None:
        return list(session.scalars(sa.select(Machine).where(Machine.id == schedule.machine_id)))
    return list(
        session.scalars(
            sa.select(Machine).where(
                Machine.type == schedule.machine_type,
                Machine.registered.is_(True),
                Machine.pending.is_(False),
            )
        )
    )


def _latest_risk(session: Session, machine_ids: list[uuid.UUID], since: datetime) -> dict[uuid.UUID, Any]:
    """Each machine's latest prediction (by event time) no older than ``since``."""
    if not machine_ids:
        return {}
    rows = session.execute(
        sa.select(
            Prediction.machine_id, Prediction.timestamp, Prediction.failure_prob, Prediction.model_version
        )
        .where(Prediction.machine_id.in_(machine_ids), Prediction.timestamp >= since)
        .ext(distinct_on(Prediction.machine_id))
        .order_by(Prediction.machine_id, Prediction.timestamp.desc())
    )
    return {row.machine_id: row for row in rows}


def _state(session: Session, schedule: PmSchedule, machine_id: uuid.UUID, now: datetime) -> PmScheduleMachine:
    # A machine-specific schedule counts from its creation; a machine joining a type's schedule from now.
    baseline = schedule.created_at if schedule.machine_id is not None else now
    session.execute(
        insert(PmScheduleMachine)
        .values(schedule_id=schedule.id, machine_id=machine_id, baseline_at=baseline, updated_at=now)
        .on_conflict_do_nothing()
    )
    return session.get_one(PmScheduleMachine, (schedule.id, machine_id), with_for_update=True)


def _count_meter(
    session: Session,
    state: PmScheduleMachine,
    rule: Any,
    machine_id: uuid.UUID,
    now: datetime,
    gap: timedelta,
) -> datetime | None:
    """Advance the meter over the readings stored since its cursor; returns the time counted up to."""
    column = getattr(SensorData, rule.signal)
    start = state.cursor_at or state.baseline_at
    until = now - SETTLE
    rows = session.execute(
        sa.select(SensorData.timestamp, column)
        .where(
            SensorData.machine_id == machine_id, SensorData.timestamp > start, SensorData.timestamp <= until
        )
        .order_by(SensorData.timestamp)
        .limit(PAGE)
    ).all()
    cursor = (
        Cursor(state.cursor_at, state.cursor_value)
        if state.cursor_at and state.cursor_value is not None
        else None
    )
    increase, cursor = advance(rule, cursor, [(r[0], r[1]) for r in rows], gap)
    state.meter += increase
    if cursor is not None:
        state.cursor_at, state.cursor_value = cursor.at, cursor.value
    # A full page means more is waiting: the meter is counted up to its last reading, not to ``until``.
    return cursor.at if len(rows) == PAGE and cursor is not None else until


def _machine(
    session: Session,
    schedule: PmSchedule,
    rule: Rule,
    machine: Machine,
    risk: Any,
    now: datetime,
    settings: PmSettings,
) -> tuple[int, int]:
    """Bring one machine's state up to date; returns (work orders opened, work orders pulled forward)."""
    state = _state(session, schedule, machine.id, now)
    if isinstance(rule, EveryRule | MonthDayRule):
        planned: datetime | None = rules.calendar_due(rule, state.baseline_at)
    else:
        counted_until = _count_meter(session, state, rule, machine.id, now, settings.max_gap)
        planned = rules.meter_due(rule, state.meter - state.baseline_meter, state.baseline_at, counted_until)
    threshold = schedule.risk_threshold or settings.risk_threshold
    due, pulled = planned, None
    if (
        planned is not None
        and risk is not None
        and risk.failure_prob >= threshold
        and schedule.max_pull_forward_days
    ):
        due = rules.pulled_forward(planned, now, schedule.max_pull_forward_days)
        if due < planned:
            pulled = {
                "prediction_ts": risk.timestamp.isoformat(),
                "failure_prob": round(float(risk.failure_prob), 4),
                "model_version": risk.model_version,
                "threshold": threshold,
                "planned_due_at": planned.isoformat(),
                "days_earlier": round((planned - due).total_seconds() / 86400, 3),
            }
    state.due_at, state.pulled_forward, state.updated_at = due, pulled, now
    open_id = session.scalar(
        sa.select(MaintenanceTicket.id).where(
            MaintenanceTicket.pm_schedule_id == schedule.id,
            MaintenanceTicket.machine_id == machine.id,
            MaintenanceTicket.status != TicketStatus.RESOLVED,
        )
    )
    if due is None:
        return 0, 0
    if open_id is not None:
        if pulled is None:
            return 0, 0
        return 0, int(system.pull_forward(session, ticket_id=open_id, due_at=due, pulled=pulled, now=now))
    if rules.open_at(due, schedule.lead_days) > now:
        return 0, 0
    made = system.open_preventive(
        session, schedule=schedule, machine=machine, due_at=due, pulled=pulled, now=now
    )
    if made is not None:
        logger.info("PM work order opened: %s on %s, due %s", schedule.name, machine.name, due.isoformat())
    return int(made is not None), int(made is not None and pulled is not None)
