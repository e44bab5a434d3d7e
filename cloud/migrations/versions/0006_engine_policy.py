"""The ticket policy as engineers set it through the API: a single-row table (empty = settings' defaults).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``engine_policy``."""
    op.create_table(
        "engine_policy",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("config", postgresql.JSONB(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_by", postgresql.UUID(as_uuid=True), nullable=True),
        sa.CheckConstraint("id = 1", name="ck_engine_policy_single_row"),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name="fk_engine_policy_updated_by_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_engine_policy"),
    )


def downgrade() -> None:
    """Drop ``engine_policy``."""
    op.drop_table("engine_policy")
