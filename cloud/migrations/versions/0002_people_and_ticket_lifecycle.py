"""People and the ticket lifecycle: users with roles, technician assignment, audit trail, outcomes, faults.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
NOW = sa.text("now()")
user_role = postgresql.ENUM("admin", "engineer", "technician", name="user_role", create_type=False)
ticket_outcome = postgresql.ENUM("CONFIRMED_FAULT", "FALSE_ALARM", name="ticket_outcome", create_type=False)


def upgrade() -> None:
    """Add users, link tickets to technicians, and record every ticket change and its outcome."""
    user_role.create(op.get_bind())
    ticket_outcome.create(op.get_bind())
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("role", user_role, nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", TZ, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_foreign_key(
        "fk_maintenance_tickets_technician_id_users",
        "maintenance_tickets",
        "users",
        ["technician_id"],
        ["id"],
    )
    op.add_column(
        "maintenance_tickets", sa.Column("fault", sa.Text(), server_default="failure_risk", nullable=False)
    )
    op.add_column("maintenance_tickets", sa.Column("outcome", ticket_outcome, nullable=True))
    op.add_column("maintenance_tickets", sa.Column("root_cause", sa.Text(), nullable=True))
    op.drop_index("uq_maintenance_tickets_open_machine", table_name="maintenance_tickets")
    op.create_index(
        "uq_maintenance_tickets_open_machine_fault",
        "maintenance_tickets",
        ["machine_id", "fault"],
        unique=True,
        postgresql_where=sa.text("status <> 'RESOLVED'"),
    )
    op.create_table(
        "ticket_events",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("at", TZ, server_default=NOW, nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("data", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ticket_events"),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["maintenance_tickets.id"],
            name="fk_ticket_events_ticket_id_maintenance_tickets",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name="fk_ticket_events_actor_id_users"),
    )
    op.create_index("ix_ticket_events_ticket_id_at", "ticket_events", ["ticket_id", "at"])


def downgrade() -> None:
    """Remove what upgrade() added."""
    op.drop_index("ix_ticket_events_ticket_id_at", table_name="ticket_events")
    op.drop_table("ticket_events")
    op.drop_index("uq_maintenance_tickets_open_machine_fault", table_name="maintenance_tickets")
    op.create_index(
        "uq_maintenance_tickets_open_machine",
        "maintenance_tickets",
        ["machine_id"],
        unique=True,
        postgresql_where=sa.text("status <> 'RESOLVED'"),
    )
    op.drop_column("maintenance_tickets", "root_cause")
    op.drop_column("maintenance_tickets", "outcome")
    op.drop_column("maintenance_tickets", "fault")
    op.drop_constraint(
        "fk_maintenance_tickets_technician_id_users", "maintenance_tickets", type_="foreignkey"
    )
    op.drop_table("users")
    ticket_outcome.drop(op.get_bind())
    user_role.drop(op.get_bind())
