"""Reading gateways and what they last reported."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.errors import NotFoundError
from cloud.gateways.models import Gateway
from cloud.gateways.schemas import GatewayRead
from cloud.machines.models import Machine


def select_gateways() -> sa.Select[Gateway, int, int]:
    """Gateways with their machine counts, sorted by id."""
    counts = (
        sa.select(
            Machine.gateway_id,
            sa.func.count().label("n"),
            sa.func.count().filter(Machine.pending).label("pending"),
        )
        .group_by(Machine.gateway_id)
        .subquery("counts")
    )
    query = (
        sa.select(Gateway, sa.func.coalesce(counts.c.n, 0), sa.func.coalesce(counts.c.pending, 0))
        .outerjoin(counts, counts.c.gateway_id == Gateway.id)
        .order_by(Gateway.id)
    )
    return query


def to_schema(gateway: Gateway, machine_count: int, pending_machines: int = 0) -> GatewayRead:
    """The API view of a gateway row."""
    return GatewayRead(
        id=gateway.id,
        online=gateway.online,
        last_seen=gateway.last_seen,
        agent_version=gateway.agent_version,
        model_version=gateway.model_version,
        outbox_depth=gateway.outbox_depth,
        dropped=gateway.dropped,
        last_error=gateway.last_error,
        machine_count=machine_count,
        pending_machines=pending_machines,
        foreign_rows=gateway.foreign_rows,
        clock_offset_s=gateway.clock_offset_s,
        clock_offset_at=gateway.clock_offset_at,
        late_rows=gateway.late_rows,
    )


def get_all(*, db_session: Session) -> list[GatewayRead]:
    """Every gateway, sorted by id, with its machine count."""
    return [to_schema(*row) for row in db_session.execute(select_gateways())]


def get(*, db_session: Session, gateway_id: str) -> GatewayRead:
    """One gateway; NotFoundError when unknown."""
    row = db_session.execute(select_gateways().where(Gateway.id == gateway_id)).first()
    if row is None:
        raise NotFoundError(f"gateway {gateway_id} does not exist")
    return to_schema(row[0], row[1], row[2])
