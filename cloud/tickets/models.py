"""The ``maintenance_tickets`` table and the ticket engine's ``engine_state``."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloud.db import JSON, Base
from cloud.machines.models import Machine
from contract.payloads import new_id


class TicketStatus(enum.StrEnum):
    """Where a ticket is in its lifecycle: OPEN -> IN_PROGRESS -> RESOLVED."""

    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    RESOLVED = "RESOLVED"


class TicketPriority(enum.StrEnum):
    """How urgent a ticket is."""

    LOW = "LOW"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


def _enum_values(kind: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in kind]


class MaintenanceTicket(Base):
    """A maintenance ticket; ``reason`` holds the prediction that opened it."""

    __tablename__ = "maintenance_tickets"
    __table_args__ = (
        # One open ticket per machine: the policy de-duplicates, the database guarantees it.
        sa.Index(
            "uq_maintenance_tickets_open_machine",
            "machine_id",
            unique=True,
            postgresql_where=sa.text("status <> 'RESOLVED'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    machine_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(Machine.id))
    title: Mapped[str]
    status: Mapped[TicketStatus] = mapped_column(
        sa.Enum(TicketStatus, name="ticket_status", values_callable=_enum_values),
        default=TicketStatus.OPEN,
        server_default=TicketStatus.OPEN.value,
    )
    priority: Mapped[TicketPriority] = mapped_column(
        sa.Enum(TicketPriority, name="ticket_priority", values_callable=_enum_values)
    )
    technician_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=sa.func.now(), onupdate=sa.func.now())
    resolved_at: Mapped[datetime | None]
    # {model_version, failure_prob, anomaly_score, prediction_ts, features}
    reason: Mapped[JSON]

    machine: Mapped[Machine] = relationship()


class EngineState(Base):
    """A named cursor of the ticket engine: predictions ingested up to ``watermark`` have been evaluated."""

    __tablename__ = "engine_state"

    name: Mapped[str] = mapped_column(primary_key=True)
    watermark: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(server_default=sa.func.now(), onupdate=sa.func.now())
