"""Technicians belong to sites and lines: ``technician_sites`` and ``technician_lines``.

Automatic assignment reads them (line first, then site) instead of matching a free-text location.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the two membership tables, each keyed by (person, place) and indexed by place."""
    op.create_table(
        "technician_sites",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "site_id", name="pk_technician_sites"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_technician_sites_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_technician_sites_site_id_sites", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_technician_sites_site_id", "technician_sites", ["site_id"])
    op.create_table(
        "technician_lines",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "line_id", name="pk_technician_lines"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_technician_lines_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["line_id"], ["lines.id"], name="fk_technician_lines_line_id_lines", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_technician_lines_line_id", "technician_lines", ["line_id"])


def downgrade() -> None:
    """Drop both membership tables."""
    op.drop_index("ix_technician_lines_line_id", table_name="technician_lines")
    op.drop_table("technician_lines")
    op.drop_index("ix_technician_sites_site_id", table_name="technician_sites")
    op.drop_table("technician_sites")
