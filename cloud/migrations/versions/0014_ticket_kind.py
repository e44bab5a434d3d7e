"""A ticket's kind: predictive (opened by the engine), preventive (a schedule), corrective (a reported
failure) or sensor (a broken or implausible sensor rather than the machine).

Every ticket that exists today was opened by the engine from a prediction, so they all become PREDICTIVE.

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KIND = sa.Enum("PREDICTIVE", "PREVENTIVE", "CORRECTIVE", "SENSOR", name="ticket_kind")


def upgrade() -> None:
    """Add ``maintenance_tickets.kind`` (PREDICTIVE for every existing ticket)."""
    KIND.create(op.get_bind(), checkfirst=True)
    op.add_column(
        "maintenance_tickets",
        sa.Column("kind", KIND, server_default="PREDICTIVE", nullable=False),
    )
    op.create_index("ix_maintenance_tickets_kind_created_at", "maintenance_tickets", ["kind", "created_at"])


def downgrade() -> None:
    """Drop ``maintenance_tickets.kind`` and its type."""
    op.drop_index("ix_maintenance_tickets_kind_created_at", table_name="maintenance_tickets")
    op.drop_column("maintenance_tickets", "kind")
    KIND.drop(op.get_bind(), checkfirst=True)
