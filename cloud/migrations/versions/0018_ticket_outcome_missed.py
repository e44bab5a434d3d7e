"""The ``MISSED`` ticket outcome (a failure no predictive ticket warned of) and an index for period figures.

``ADD VALUE IF NOT EXISTS``: another change adds the same value, so either may run first. The reliability
figures (``GET /api/kpis``) select tickets by opening time across all kinds, which the (kind, created_at)
index cannot serve alone.

Revision ID: 0018
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add 'MISSED' to ``ticket_outcome`` and index ``maintenance_tickets.created_at``."""
    op.execute("ALTER TYPE ticket_outcome ADD VALUE IF NOT EXISTS 'MISSED'")
    op.create_index("ix_maintenance_tickets_created_at", "maintenance_tickets", ["created_at"])


def downgrade() -> None:
    """Drop the index; the enum value stays (PostgreSQL cannot drop one, and older code never writes it)."""
    op.drop_index("ix_maintenance_tickets_created_at", table_name="maintenance_tickets")
