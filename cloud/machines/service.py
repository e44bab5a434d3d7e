"""Machines: reading them with their live state in one query per request, and registering them by hand."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cloud.errors import ConflictError, InvalidRequestError, NotFoundError
from cloud.gateways.models import Gateway
from cloud.machines.models import Line, Machine, Site
from cloud.machines.schemas import LatestPrediction, LatestReading, MachineCreate, MachineRead, MachineUpdate
from cloud.predictions.models import Prediction
from cloud.telemetry.models import SensorData
from cloud.tickets.models import MaintenanceTicket, TicketStatus

# What a gateway's status proposes and an engineer may set instead (then the engineer's value stays).
EDITABLE = ("name", "type", "location")


def _machines_query() -> sa.Select[Any]:
    # The newest reading and prediction come from the (machine_id, timestamp) indexes, one row each.
    reading = (
        sa.select(SensorData.timestamp, SensorData.temperature, SensorData.vibration, SensorData.rpm)
        .where(SensorData.machine_id == Machine.id)
        .order_by(SensorData.timestamp.desc())
        .limit(1)
        .lateral("reading")
    )
    prediction = (
        sa.select(
            Prediction.timestamp,
            Prediction.failure_prob,
            Prediction.anomaly_score,
            Prediction.is_anomaly,
            Prediction.model_version,
            Prediction.fault,
        )
        .where(Prediction.machine_id == Machine.id)
        .order_by(Prediction.timestamp.desc())
        .limit(1)
        .lateral("prediction")
    )
    open_tickets = (
        sa.select(MaintenanceTicket.machine_id, sa.func.count().label("n"))
        .where(MaintenanceTicket.status != TicketStatus.RESOLVED)
        .group_by(MaintenanceTicket.machine_id)
        .subquery("open_tickets")
    )
    # A resolution sends the gateway a repair: a risk figure from before it describes the old machine.
    repaired = (
        sa.select(MaintenanceTicket.machine_id, sa.func.max(MaintenanceTicket.resolved_at).label("at"))
        .where(MaintenanceTicket.status == TicketStatus.RESOLVED)
        .group_by(MaintenanceTicket.machine_id)
        .subquery("repaired")
    )
    return (
        sa.select(
            Machine,
            sa.func.coalesce(Gateway.online, sa.false()).label("online"),
            reading.c.timestamp.label("r_ts"),
            reading.c.temperature,
            reading.c.vibration,
            reading.c.rpm,
            prediction.c.timestamp.label("p_ts"),
            prediction.c.failure_prob,
            prediction.c.anomaly_score,
            prediction.c.is_anomaly,
            prediction.c.model_version,
            prediction.c.fault.label("p_fault"),
            sa.func.coalesce(open_tickets.c.n, 0).label("open_tickets"),
            repaired.c.at.label("last_repair_at"),
            Line.name.label("line_name"),
            Site.id.label("site_id"),
            Site.name.label("site_name"),
        )
        .outerjoin(Gateway, Gateway.id == Machine.gateway_id)
        .outerjoin(Line, Line.id == Machine.line_id)
        .outerjoin(Site, Site.id == Line.site_id)
        .outerjoin(reading, sa.true())
        .outerjoin(prediction, sa.true())
        .outerjoin(open_tickets, open_tickets.c.machine_id == Machine.id)
        .outerjoin(repaired, repaired.c.machine_id == Machine.id)
        .order_by(Machine.name, Machine.id)
    )


def _to_schema(row: sa.Row[Any]) -> MachineRead:
    machine: Machine = row.Machine
    reading = (
        LatestReading(ts=row.r_ts, temperature=row.temperature, vibration=row.vibration, rpm=row.rpm)
        if row.r_ts is not None
        else None
    )
    prediction = (
        LatestPrediction(
            ts=row.p_ts,
            failure_prob=row.failure_prob,
            anomaly_score=row.anomaly_score,
            is_anomaly=row.is_anomaly,
            model_version=row.model_version,
            fault=row.p_fault,
        )
        if row.p_ts is not None
        else None
    )
    return MachineRead(
        id=machine.id,
        name=machine.name,
        type=machine.type,
        location=machine.location,
        created_at=machine.created_at,
        gateway_id=machine.gateway_id,
        online=row.online,
        latest_reading=reading,
        latest_prediction=prediction,
        open_tickets=row.open_tickets,
        last_repair_at=row.last_repair_at,
        line_id=machine.line_id,
        line_name=row.line_name,
        site_id=row.site_id,
        site_name=row.site_name,
        pending=machine.pending,
        engineer_fields=sorted(machine.engineer_fields),
    )


def get_all(
    *,
    db_session: Session,
    site_id: uuid.UUID | None = None,
    line_id: uuid.UUID | None = None,
    pending: bool | None = None,
) -> list[MachineRead]:
    """Machines with their live state, sorted by name, optionally of one site and/or line, or pending."""
    query = _machines_query()
    if pending is not None:
        query = query.where(Machine.pending.is_(pending))
    if site_id is not None:
        query = query.where(Site.id == site_id)
    if line_id is not None:
        query = query.where(Machine.line_id == line_id)
    return [_to_schema(row) for row in db_session.execute(query)]


def get(*, db_session: Session, machine_id: uuid.UUID) -> MachineRead:
    """One machine with its live state; NotFoundError when there is none with this id."""
    row = db_session.execute(_machines_query().where(Machine.id == machine_id)).first()
    if row is None:
        raise NotFoundError(f"machine {machine_id} does not exist")
    return _to_schema(row)


def require(*, db_session: Session, machine_id: uuid.UUID) -> Machine:
    """The machine row; NotFoundError when there is none with this id."""
    machine = db_session.get(Machine, machine_id)
    if machine is None:
        raise NotFoundError(f"machine {machine_id} does not exist")
    return machine


def _check_line(db_session: Session, line_id: uuid.UUID | None) -> None:
    if line_id is not None and db_session.get(Line, line_id) is None:
        raise InvalidRequestError(f"line {line_id} does not exist", ("body", "line_id"))


def create(*, db_session: Session, machine_in: MachineCreate) -> MachineRead:
    """Register a machine by hand."""
    _check_line(db_session, machine_in.line_id)
    if machine_in.gateway_id is not None and db_session.get(Gateway, machine_in.gateway_id) is None:
        raise InvalidRequestError(f"gateway {machine_in.gateway_id} does not exist", ("body", "gateway_id"))
    machine = Machine(**machine_in.model_dump())
    # An engineer named it: a gateway's status proposes nothing over these.
    machine.engineer_fields = [f for f in EDITABLE if getattr(machine_in, f) is not None]
    db_session.add(machine)
    db_session.commit()
    return get(db_session=db_session, machine_id=machine.id)


def update(*, db_session: Session, machine_id: uuid.UUID, changes: MachineUpdate) -> MachineRead:
    """Rename, retype, relocate or (re)place a machine on a line; only the fields sent change."""
    machine = require(db_session=db_session, machine_id=machine_id)
    fields = changes.model_dump(exclude_unset=True)
    _check_line(db_session, fields.get("line_id"))
    for name, value in fields.items():
        if value is None and name in ("name", "type"):
            continue  # these cannot be cleared; null means "unchanged"
        setattr(machine, name, value)
        if name in EDITABLE and name not in machine.engineer_fields:
            # A new list, so SQLAlchemy sees the change; from now on the gateway's status keeps off it.
            machine.engineer_fields = [*machine.engineer_fields, name]
    db_session.commit()
    return get(db_session=db_session, machine_id=machine_id)


def delete(*, db_session: Session, machine_id: uuid.UUID) -> None:
    """Remove a machine without history; ConflictError when readings, predictions or tickets refer to it."""
    machine = require(db_session=db_session, machine_id=machine_id)
    db_session.delete(machine)
    try:
        db_session.commit()
    except IntegrityError as exc:
        db_session.rollback()
        raise ConflictError(
            f"machine {machine_id} has readings, predictions or tickets; its history is kept, so it stays"
        ) from exc
