"""What the engine reads about existing tickets (it writes them through ``cloud.tickets.service``).

Everything is read fresh each tick (no memory between ticks), so a restart or a second engine sees the
same state: open tickets per (machine, fault), the last resolution, and whether the machine's risk has
fallen below the exit level since then (the hysteresis re-arm).
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.engine.policy import MachineTickets, Priority
from cloud.predictions.models import Prediction
from cloud.tickets.models import MaintenanceTicket, TicketStatus

TicketKey = tuple[uuid.UUID, str]


def read_ticket_state(
    session: Session, machine_ids: list[uuid.UUID], exit_threshold: float
) -> dict[TicketKey, tuple[uuid.UUID | None, MachineTickets]]:
    """Per (machine, fault): the open ticket's id (if any) and the policy's view of that machine's tickets."""
    resolved = {
        (machine_id, fault): at
        for machine_id, fault, at in session.execute(
            sa.select(
                MaintenanceTicket.machine_id,
                MaintenanceTicket.fault,
                sa.func.max(MaintenanceTicket.resolved_at),
            )
            .where(
                MaintenanceTicket.machine_id.in_(machine_ids),
                MaintenanceTicket.status == TicketStatus.RESOLVED,
            )
            .group_by(MaintenanceTicket.machine_id, MaintenanceTicket.fault)
        )
        if at is not None
    }
    last_resolution: dict[uuid.UUID, datetime] = {}
    for (machine_id, _), at in resolved.items():
        last_resolution[machine_id] = max(at, last_resolution.get(machine_id, at))
    cleared = _cleared_since(session, last_resolution, exit_threshold)
    out: dict[TicketKey, tuple[uuid.UUID | None, MachineTickets]] = {
        key: (None, MachineTickets(last_resolved_at=at, cleared_since_resolution=key[0] in cleared))
        for key, at in resolved.items()
    }
    for machine_id, fault, ticket_id, priority, created_at in session.execute(
        sa.select(
            MaintenanceTicket.machine_id,
            MaintenanceTicket.fault,
            MaintenanceTicket.id,
            MaintenanceTicket.priority,
            MaintenanceTicket.created_at,
        ).where(
            MaintenanceTicket.machine_id.in_(machine_ids),
            MaintenanceTicket.status != TicketStatus.RESOLVED,
        )
    ):
        key = (machine_id, fault)
        out[key] = (
            ticket_id,
            MachineTickets(
                open_priority=Priority[priority.name],
                open_since=created_at,
                last_resolved_at=resolved.get(key),
                cleared_since_resolution=machine_id in cleared,
            ),
        )
    return out


def _cleared_since(
    session: Session, last_resolution: dict[uuid.UUID, datetime], exit_threshold: float
) -> set[uuid.UUID]:
    """Machines with a prediction below ``exit_threshold`` (by event time) after their last resolution."""
    if not last_resolution:
        return set()
    conditions = [
        sa.and_(Prediction.machine_id == machine_id, Prediction.timestamp > at)
        for machine_id, at in last_resolution.items()
    ]
    rows = session.execute(
        sa.select(Prediction.machine_id)
        .where(sa.or_(*conditions), Prediction.failure_prob < exit_threshold)
        .group_by(Prediction.machine_id)
    )
    return {row[0] for row in rows}
