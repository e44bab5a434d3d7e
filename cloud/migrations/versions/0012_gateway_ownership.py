"""A gateway owns its machines, and its presence is judged by its connection: ownership and session columns.

``machines.pending`` marks a machine a gateway announced that no engineer has approved yet;
``machines.engineer_fields`` names the fields (name, type, location) an engineer set, which a gateway's
status no longer overwrites; ``machine_events`` is the audit trail of approvals and re-homes.
``gateways.session`` is the broker connection its newest status came on (a last will names it too), and
``gateways.foreign_rows`` counts the rows it sent for machines of other gateways, all dead-lettered.

Revision ID: 0012
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the ownership and presence columns and the ``machine_events`` audit trail."""
    op.add_column("machines", sa.Column("pending", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column(
        "machines",
        sa.Column(
            "engineer_fields",
            postgresql.ARRAY(sa.Text),
            nullable=False,
            server_default=sa.text("'{}'::text[]"),
        ),
    )
    op.add_column("gateways", sa.Column("session", sa.Text, nullable=True))
    op.add_column(
        "gateways", sa.Column("foreign_rows", sa.BigInteger, nullable=False, server_default=sa.text("0"))
    )
    op.create_table(
        "machine_events",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("machine_id", sa.Uuid, sa.ForeignKey("machines.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("actor_id", sa.Uuid, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("data", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    )
    op.create_index("ix_machine_events_machine_id_at", "machine_events", ["machine_id", "at"])


def downgrade() -> None:
    """Drop what ``upgrade`` added."""
    op.drop_index("ix_machine_events_machine_id_at", table_name="machine_events")
    op.drop_table("machine_events")
    op.drop_column("gateways", "foreign_rows")
    op.drop_column("gateways", "session")
    op.drop_column("machines", "engineer_fields")
    op.drop_column("machines", "pending")
