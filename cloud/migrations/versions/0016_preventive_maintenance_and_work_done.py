"""Preventive maintenance and work done: PM schedules and their per-machine meters, preventive work orders
(schedule, due date, one open per schedule and machine), cancel and reopen (outcome CANCELLED with a
reason), the MISSED and COMPLETED outcomes, checklists, time entries, parts with stock, attachments, notices.

The ticket status enum is unchanged (OPEN / IN_PROGRESS / RESOLVED): a cancelled ticket is RESOLVED with
outcome CANCELLED, so the one-open-ticket indexes free its slot as for any closed ticket.

Revision ID: 0016
Revises: 0018
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_OUTCOMES = ("MISSED", "COMPLETED", "CANCELLED")
CHECKLIST = postgresql.ENUM("DONE", "NOT_DONE", "NOT_APPLICABLE", name="checklist_result", create_type=False)
UUID = postgresql.UUID(as_uuid=True)
TZ = sa.DateTime(timezone=True)


def _ticket_fk() -> sa.ForeignKey:
    return sa.ForeignKey("maintenance_tickets.id", ondelete="CASCADE")


def _schedules() -> None:
    op.create_table(
        "pm_schedules",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("machine_id", UUID, sa.ForeignKey("machines.id", ondelete="CASCADE"), nullable=True),
        sa.Column("machine_type", sa.Text(), nullable=True),
        sa.Column("rule", postgresql.JSONB(), nullable=False),
        sa.Column("lead_days", sa.Double(), server_default=sa.text("0"), nullable=False),
        sa.Column("max_pull_forward_days", sa.Double(), server_default=sa.text("0"), nullable=False),
        sa.Column("risk_threshold", sa.Double(), nullable=True),
        sa.Column("priority", sa.Text(), server_default="LOW", nullable=False),
        sa.Column("checklist", postgresql.JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_by", UUID, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("(machine_id IS NULL) <> (machine_type IS NULL)", name="one_target"),
        sa.CheckConstraint("lead_days >= 0", name="lead_days"),
        sa.CheckConstraint("max_pull_forward_days >= 0", name="max_pull_forward_days"),
    )
    op.create_index("ix_pm_schedules_machine_id", "pm_schedules", ["machine_id"])
    op.create_index("ix_pm_schedules_machine_type", "pm_schedules", ["machine_type"])
    op.create_table(
        "pm_schedule_machines",
        sa.Column(
            "schedule_id", UUID, sa.ForeignKey("pm_schedules.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("machine_id", UUID, sa.ForeignKey("machines.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("baseline_at", TZ, nullable=False),
        sa.Column("baseline_meter", sa.Double(), server_default=sa.text("0"), nullable=False),
        sa.Column("meter", sa.Double(), server_default=sa.text("0"), nullable=False),
        sa.Column("cursor_at", TZ, nullable=True),
        sa.Column("cursor_value", sa.Double(), nullable=True),
        sa.Column("due_at", TZ, nullable=True),
        sa.Column("pulled_forward", postgresql.JSONB(), nullable=True),
        sa.Column("updated_at", TZ, server_default=sa.func.now(), nullable=False),
    )


def _tickets() -> None:
    for value in NEW_OUTCOMES:
        op.execute(f"ALTER TYPE ticket_outcome ADD VALUE IF NOT EXISTS '{value}'")
    op.add_column(
        "maintenance_tickets",
        sa.Column(
            "pm_schedule_id", UUID, sa.ForeignKey("pm_schedules.id", ondelete="SET NULL"), nullable=True
        ),
    )
    op.add_column("maintenance_tickets", sa.Column("due_at", TZ, nullable=True))
    op.add_column("maintenance_tickets", sa.Column("cancel_reason", sa.Text(), nullable=True))
    op.create_index(
        "uq_maintenance_tickets_open_pm",
        "maintenance_tickets",
        ["pm_schedule_id", "machine_id"],
        unique=True,
        postgresql_where=sa.text("status <> 'RESOLVED' AND pm_schedule_id IS NOT NULL"),
    )


def _work_done() -> None:
    CHECKLIST.create(op.get_bind(), checkfirst=True)
    op.create_table(
        "ticket_checklist_items",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("ticket_id", UUID, _ticket_fk(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("result", CHECKLIST, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_by", UUID, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("updated_at", TZ, nullable=True),
        sa.UniqueConstraint("ticket_id", "position"),
    )
    op.create_table(
        "ticket_time_entries",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("ticket_id", UUID, _ticket_fk(), nullable=False),
        sa.Column("user_id", UUID, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("minutes > 0", name="minutes"),
    )
    op.create_index("ix_ticket_time_entries_ticket_id", "ticket_time_entries", ["ticket_id"])
    op.create_table(
        "parts",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("sku", sa.Text(), nullable=False, unique=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), server_default="pcs", nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("min_stock", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("stock >= 0", name="stock"),
        sa.CheckConstraint("min_stock >= 0", name="min_stock"),
    )
    op.create_table(
        "ticket_part_usages",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("ticket_id", UUID, _ticket_fk(), nullable=False),
        sa.Column("part_id", UUID, sa.ForeignKey("parts.id"), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("user_id", UUID, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("quantity > 0", name="quantity"),
    )
    op.create_index("ix_ticket_part_usages_ticket_id", "ticket_part_usages", ["ticket_id"])
    op.create_table(
        "ticket_attachments",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("ticket_id", UUID, _ticket_fk(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("storage_key", sa.Text(), nullable=False),
        sa.Column("user_id", UUID, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_ticket_attachments_ticket_id", "ticket_attachments", ["ticket_id"])
    op.create_table(
        "notices",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("part_id", UUID, sa.ForeignKey("parts.id", ondelete="CASCADE"), nullable=True),
        sa.Column(
            "ticket_id", UUID, sa.ForeignKey("maintenance_tickets.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("data", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.Column("acknowledged_at", TZ, nullable=True),
        sa.Column("acknowledged_by", UUID, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    op.create_index(
        "ix_notices_open", "notices", ["created_at"], postgresql_where=sa.text("acknowledged_at IS NULL")
    )


def upgrade() -> None:
    """Create the PM, work-done and notice tables; extend tickets and their outcomes."""
    _schedules()
    _tickets()
    _work_done()


def downgrade() -> None:
    """Drop it all; the new outcomes go back to null (the old enum cannot hold them)."""
    for table in ("notices", "ticket_attachments", "ticket_part_usages", "parts", "ticket_time_entries"):
        op.drop_table(table)
    op.drop_table("ticket_checklist_items")
    CHECKLIST.drop(op.get_bind(), checkfirst=True)
    op.drop_index("uq_maintenance_tickets_open_pm", table_name="maintenance_tickets")
    for column in ("cancel_reason", "due_at", "pm_schedule_id"):
        op.drop_column("maintenance_tickets", column)
    op.drop_table("pm_schedule_machines")
    op.drop_table("pm_schedules")
    # PostgreSQL cannot drop an enum value: rebuild the type with the old values only.
    op.execute("ALTER TABLE maintenance_tickets ALTER COLUMN outcome TYPE text")
    op.execute("UPDATE maintenance_tickets SET outcome = NULL WHERE outcome IN ('COMPLETED', 'CANCELLED')")
    op.execute("DROP TYPE ticket_outcome")
    # MISSED stays: migration 0018, below this one, added it.
    op.execute("CREATE TYPE ticket_outcome AS ENUM ('CONFIRMED_FAULT', 'FALSE_ALARM', 'MISSED')")
    op.execute(
        "ALTER TABLE maintenance_tickets"
        " ALTER COLUMN outcome TYPE ticket_outcome USING outcome::ticket_outcome"
    )
