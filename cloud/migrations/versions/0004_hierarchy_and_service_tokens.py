"""Sites and lines above machines, and hashed service tokens for automation.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
NOW = sa.text("now()")


def upgrade() -> None:
    """Add sites, lines, machines.line_id and service_tokens."""
    op.create_table(
        "sites",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sites"),
        sa.UniqueConstraint("name", name="uq_sites_name"),
    )
    op.create_table(
        "lines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lines"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name="fk_lines_site_id_sites"),
        sa.UniqueConstraint("site_id", "name", name="uq_lines_site_id_name"),
    )
    op.add_column("machines", sa.Column("line_id", sa.Uuid(), nullable=True))
    op.create_foreign_key("fk_machines_line_id_lines", "machines", "lines", ["line_id"], ["id"])
    op.create_index("ix_machines_line_id", "machines", ["line_id"])
    op.create_table(
        "service_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, server_default=NOW, nullable=False),
        sa.Column("expires_at", TZ, nullable=True),
        sa.Column("last_used_at", TZ, nullable=True),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_service_tokens"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_service_tokens_user_id_users"),
        sa.UniqueConstraint("token_hash", name="uq_service_tokens_token_hash"),
    )


def downgrade() -> None:
    """Remove what upgrade() added."""
    op.drop_table("service_tokens")
    op.drop_index("ix_machines_line_id", table_name="machines")
    op.drop_constraint("fk_machines_line_id_lines", "machines", type_="foreignkey")
    op.drop_column("machines", "line_id")
    op.drop_table("lines")
    op.drop_table("sites")
