"""The failure mode a technician found when confirming a fault, on maintenance tickets.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the nullable ``maintenance_tickets.found_fault``."""
    op.add_column("maintenance_tickets", sa.Column("found_fault", sa.String(64), nullable=True))


def downgrade() -> None:
    """Drop ``maintenance_tickets.found_fault``."""
    op.drop_column("maintenance_tickets", "found_fault")
