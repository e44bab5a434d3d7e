"""What followed a ticket's resolution: the repair command sent to the gateway, and the machine's recovery."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.machines.models import Machine
from cloud.predictions.models import Prediction
from cloud.tickets.models import MaintenanceTicket, TicketEvent
from cloud.tickets.schemas import Aftercare


def aftercare(
    db_session: Session, ticket: MaintenanceTicket, resolved_at: datetime, exit_threshold: float
) -> Aftercare:
    """The repair command the resolution sent (from the trail) and the first prediction after it below
    ``exit_threshold`` (by event time, through the (machine_id, timestamp) index)."""
    sent = db_session.execute(
        sa.select(TicketEvent.at, TicketEvent.data)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "repair_sent")
        .order_by(TicketEvent.at.desc())
        .limit(1)
    ).first()
    recovered = db_session.execute(
        sa.select(Prediction.timestamp, Prediction.failure_prob)
        .where(
            Prediction.machine_id == ticket.machine_id,
            Prediction.timestamp > resolved_at,
            Prediction.failure_prob < exit_threshold,
        )
        .order_by(Prediction.timestamp)
        .limit(1)
    ).first()
    gateway_id = (
        sent.data.get("gateway_id")
        if sent is not None
        else db_session.scalar(sa.select(Machine.gateway_id).where(Machine.id == ticket.machine_id))
    )
    return Aftercare(
        gateway_id=gateway_id,
        repair_sent_at=sent.at if sent is not None else None,
        repair_queued=bool(sent.data.get("queued")) if sent is not None else False,
        exit_threshold=exit_threshold,
        back_to_normal_at=recovered.timestamp if recovered is not None else None,
        back_to_normal_risk=recovered.failure_prob if recovered is not None else None,
    )
