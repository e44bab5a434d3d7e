"""The ``maintenance_tickets`` table and the ticket engine's ``engine_state``."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloud.db import JSON, Base, enum_values
from cloud.machines.models import Machine
from cloud.users.models import User
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


class TicketKind(enum.StrEnum):
    """Why a ticket exists: the reliability figures count planned and unplanned work by kind."""

    PREDICTIVE = "PREDICTIVE"  # opened by the engine from a prediction
    PREVENTIVE = "PREVENTIVE"  # created ahead of a preventive-maintenance schedule's due date
    CORRECTIVE = "CORRECTIVE"  # a failure reported by a person
    SENSOR = "SENSOR"  # the sensor, not the machine, is at fault


class TicketOutcome(enum.StrEnum):
    """What the technician found: the label the retraining loop learns from."""

    CONFIRMED_FAULT = "CONFIRMED_FAULT"
    FALSE_ALARM = "FALSE_ALARM"
    # Corrective work only: a failure happened that no predictive ticket warned of (the KPIs count it).
    MISSED = "MISSED"
    # Preventive work only: the planned maintenance was done and found nothing wrong.
    COMPLETED = "COMPLETED"
    # Closed without the work being done (with ``cancel_reason``); the status stays RESOLVED, so the
    # one-open-ticket indexes and lists keep the seed's three statuses.
    CANCELLED = "CANCELLED"


class MaintenanceTicket(Base):
    """A maintenance ticket; ``reason`` holds the prediction that opened it."""

    __tablename__ = "maintenance_tickets"
    __table_args__ = (
        # One open ticket per machine and fault: the policy de-duplicates, the database guarantees it.
        sa.Index(
            "uq_maintenance_tickets_open_machine_fault",
            "machine_id",
            "fault",
            unique=True,
            postgresql_where=sa.text("status <> 'RESOLVED'"),
        ),
        sa.Index("ix_maintenance_tickets_kind_created_at", "kind", "created_at"),
        # One open preventive work order per schedule and machine, whatever the scheduler processes race.
        sa.Index(
            "uq_maintenance_tickets_open_pm",
            "pm_schedule_id",
            "machine_id",
            unique=True,
            postgresql_where=sa.text("status <> 'RESOLVED' AND pm_schedule_id IS NOT NULL"),
        ),
        # The reliability figures select a period's tickets of every kind by opening time (migration 0018).
        sa.Index("ix_maintenance_tickets_created_at", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    machine_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(Machine.id))
    title: Mapped[str]
    status: Mapped[TicketStatus] = mapped_column(
        sa.Enum(TicketStatus, name="ticket_status", values_callable=enum_values),
        default=TicketStatus.OPEN,
        server_default=TicketStatus.OPEN.value,
    )
    priority: Mapped[TicketPriority] = mapped_column(
        sa.Enum(TicketPriority, name="ticket_priority", values_callable=enum_values)
    )
    technician_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey(User.id))
    kind: Mapped[TicketKind] = mapped_column(
        sa.Enum(TicketKind, name="ticket_kind", values_callable=enum_values),
        default=TicketKind.PREDICTIVE,
        server_default=TicketKind.PREDICTIVE.value,
    )
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=sa.func.now(), onupdate=sa.func.now())
    resolved_at: Mapped[datetime | None]
    # {model_version, failure_prob, anomaly_score, prediction_ts, features}
    reason: Mapped[JSON]
    # The fault the ticket is about (a failure mode, or "failure_risk" when the model does not say which):
    # the policy keeps one open ticket per machine and fault.
    fault: Mapped[str] = mapped_column(server_default="failure_risk")
    # Recorded on resolution: a confirmed fault (with its root cause) or a false alarm.
    outcome: Mapped[TicketOutcome | None] = mapped_column(
        sa.Enum(TicketOutcome, name="ticket_outcome", values_callable=enum_values)
    )
    root_cause: Mapped[str | None]
    # The failure mode the technician found on a confirmed fault (a model's fault class, e.g.
    # "bearing_wear"); it labels the fault classifier's training rows. None = not said.
    found_fault: Mapped[str | None] = mapped_column(sa.String(64))
    # A preventive work order: the schedule that made it and when the work is due (null otherwise).
    pm_schedule_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("pm_schedules.id", ondelete="SET NULL")
    )
    due_at: Mapped[datetime | None]
    # Why the ticket was cancelled (outcome CANCELLED); null otherwise.
    cancel_reason: Mapped[str | None]

    machine: Mapped[Machine] = relationship()


class TicketEvent(Base):
    """The audit trail: every change to a ticket, by whom (null = the engine) and when."""

    __tablename__ = "ticket_events"
    __table_args__ = (
        sa.Index("ix_ticket_events_ticket_id_at", "ticket_id", "at"),
        # When work on each ticket started, for MTTR (migration 0018).
        sa.Index(
            "ix_ticket_events_in_progress",
            "ticket_id",
            "at",
            postgresql_where=sa.text("kind = 'status' AND (data ->> 'to') = 'IN_PROGRESS'"),
        ),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(MaintenanceTicket.id, ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    actor_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey(User.id))
    # created | status | assigned | priority | comment | outcome | repair_sent | reopened | cancelled |
    # time | part | checklist | attachment
    kind: Mapped[str]
    # What changed, e.g. {"from": "OPEN", "to": "IN_PROGRESS"} or {"text": "..."} for a comment.
    data: Mapped[JSON] = mapped_column(server_default=sa.text("'{}'::jsonb"))


class EngineState(Base):
    """A named cursor of the ticket engine: predictions ingested up to ``watermark`` have been evaluated."""

    __tablename__ = "engine_state"

    name: Mapped[str] = mapped_column(primary_key=True)
    watermark: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(server_default=sa.func.now(), onupdate=sa.func.now())
