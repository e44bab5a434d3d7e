"""The ``MISSED`` ticket outcome (a failure no predictive ticket warned of) and an index for period figures.

``ADD VALUE IF NOT EXISTS``: another change adds the same value, so either may run first. The reliability
figures (``GET /api/kpis``) select tickets by opening time across all kinds, which the (kind, created_at)
index cannot serve alone, and MTTR reads when each ticket's work started (its first move to IN_PROGRESS):
a partial index holds just those events.

Revision ID: 0018
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add 'MISSED' to ``ticket_outcome``; index tickets by opening time and the IN_PROGRESS events."""
    op.execute("ALTER TYPE ticket_outcome ADD VALUE IF NOT EXISTS 'MISSED'")
    op.create_index("ix_maintenance_tickets_created_at", "maintenance_tickets", ["created_at"])
    op.create_index(
        "ix_ticket_events_in_progress",
        "ticket_events",
        ["ticket_id", "at"],
        postgresql_where=sa.text("kind = 'status' AND (data ->> 'to') = 'IN_PROGRESS'"),
    )


def downgrade() -> None:
    """Drop the indexes; the enum value stays (PostgreSQL cannot drop one, and older code never writes it)."""
    op.drop_index("ix_ticket_events_in_progress", table_name="ticket_events")
    op.drop_index("ix_maintenance_tickets_created_at", table_name="maintenance_tickets")
