"""Which gateway a machine belongs to: an engineer approves a gateway's claim or re-homes the machine.

Every change is written to ``machine_events`` (who, when, from which gateway to which). Ingestion workers
cache bindings for ``ingest_owner_cache_s`` seconds (default 5): a re-homed machine's new gateway may write
at once, its old gateway is refused at the latest that long after the change.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.errors import InvalidRequestError
from cloud.gateways.models import Gateway
from cloud.machines.models import MachineEvent
from cloud.machines.schemas import MachineEventRead, MachineRead, MachineRehome
from cloud.machines.service import get, require
from cloud.users.models import User


def _audit(
    db_session: Session, machine_id: uuid.UUID, actor: User, kind: str, data: dict[str, str | None]
) -> None:
    db_session.add(MachineEvent(machine_id=machine_id, actor_id=actor.id, kind=kind, data=data))


def approve(*, db_session: Session, machine_id: uuid.UUID, actor: User) -> MachineRead:
    """Confirm a pending machine's binding to the gateway that announced it (idempotent)."""
    machine = require(db_session=db_session, machine_id=machine_id)
    if machine.pending:
        machine.pending = False
        _audit(db_session, machine_id, actor, "approved", {"gateway_id": machine.gateway_id})
        db_session.commit()
    return get(db_session=db_session, machine_id=machine_id)


def rehome(*, db_session: Session, machine_id: uuid.UUID, change: MachineRehome, actor: User) -> MachineRead:
    """Bind a machine to another gateway (approved); only that gateway may write for it from now on."""
    machine = require(db_session=db_session, machine_id=machine_id)
    if db_session.get(Gateway, change.gateway_id) is None:
        raise InvalidRequestError(f"gateway {change.gateway_id} does not exist", ("body", "gateway_id"))
    if machine.gateway_id != change.gateway_id or machine.pending:
        _audit(
            db_session, machine_id, actor, "rehomed", {"from": machine.gateway_id, "to": change.gateway_id}
        )
        machine.gateway_id = change.gateway_id
        machine.pending = False
        db_session.commit()
    return get(db_session=db_session, machine_id=machine_id)


def events(*, db_session: Session, machine_id: uuid.UUID) -> list[MachineEventRead]:
    """A machine's binding audit trail, oldest first."""
    require(db_session=db_session, machine_id=machine_id)
    rows = db_session.scalars(
        sa.select(MachineEvent)
        .where(MachineEvent.machine_id == machine_id)
        .order_by(MachineEvent.at, MachineEvent.id)
    )
    return [MachineEventRead.model_validate(row, from_attributes=True) for row in rows]
