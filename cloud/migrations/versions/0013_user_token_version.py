"""A per-user token version: access tokens carry it, and changing it revokes every token issued before.

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``users.token_version`` (0 for everyone)."""
    op.add_column(
        "users", sa.Column("token_version", sa.Integer(), server_default=sa.text("0"), nullable=False)
    )


def downgrade() -> None:
    """Drop ``users.token_version``."""
    op.drop_column("users", "token_version")
