"""The failure mode a model names for a window at risk (its fault classifier's verdict), on predictions.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the nullable ``predictions.fault`` (on the partitioned parent, so every partition gets it)."""
    op.add_column("predictions", sa.Column("fault", sa.String(64), nullable=True))


def downgrade() -> None:
    """Drop ``predictions.fault``."""
    op.drop_column("predictions", "fault")
