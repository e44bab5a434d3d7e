"""``pm_schedules`` (what to do, when, for which machines) and ``pm_schedule_machines`` (where each machine
stands against a schedule: its baseline, its meter and cursor, its next due date)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from cloud.db import JSON, Base
from cloud.machines.models import Machine
from cloud.users.models import User
from contract.payloads import new_id


class PmSchedule(Base):
    """A preventive-maintenance schedule for one machine or every machine of a type.

    ``rule`` is the validated trigger (``cloud.pm.schemas.Rule``): calendar or meter. It is JSONB rather than
    columns because the kinds carry different fields; the API validates it on the way in and out.
    """

    __tablename__ = "pm_schedules"
    __table_args__ = (
        sa.CheckConstraint("(machine_id IS NULL) <> (machine_type IS NULL)", name="one_target"),
        sa.CheckConstraint("lead_days >= 0", name="lead_days"),
        sa.CheckConstraint("max_pull_forward_days >= 0", name="max_pull_forward_days"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str]
    machine_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey(Machine.id, ondelete="CASCADE"), index=True
    )
    machine_type: Mapped[str | None] = mapped_column(index=True)
    rule: Mapped[JSON]
    # The work order is opened this long before the due date.
    lead_days: Mapped[float] = mapped_column(server_default=sa.text("0"))
    # How much earlier a rising failure risk may pull the due date (0: never).
    max_pull_forward_days: Mapped[float] = mapped_column(server_default=sa.text("0"))
    # The failure_prob that counts as rising risk; null = the scheduler's setting.
    risk_threshold: Mapped[float | None]
    priority: Mapped[str] = mapped_column(server_default="LOW")
    # The checklist, copied to each work order: ["Grease the bearings", ...].
    checklist: Mapped[list[str]] = mapped_column(postgresql.JSONB(), server_default=sa.text("'[]'::jsonb"))
    active: Mapped[bool] = mapped_column(server_default=sa.true())
    created_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey(User.id, ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())


class PmScheduleMachine(Base):
    """One machine against one schedule: the baseline (last done), the meter and where counting stopped."""

    __tablename__ = "pm_schedule_machines"

    schedule_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey(PmSchedule.id, ondelete="CASCADE"), primary_key=True
    )
    machine_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey(Machine.id, ondelete="CASCADE"), primary_key=True
    )
    # When the schedule's clock started: the machine joining the schedule, or its last completed PM.
    baseline_at: Mapped[datetime]
    # The meter's reading at the baseline; the work is due when ``meter - baseline_meter`` reaches the rule.
    baseline_meter: Mapped[float] = mapped_column(server_default=sa.text("0"))
    meter: Mapped[float] = mapped_column(server_default=sa.text("0"))
    # Readings up to this event time have been counted, and the last one (for the interval across it).
    cursor_at: Mapped[datetime | None]
    cursor_value: Mapped[float | None]
    due_at: Mapped[datetime | None]
    # Set while a prediction pulls the due date forward: {"prediction_ts", "failure_prob", ...}.
    pulled_forward: Mapped[dict[str, Any] | None] = mapped_column(postgresql.JSONB())
    updated_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
