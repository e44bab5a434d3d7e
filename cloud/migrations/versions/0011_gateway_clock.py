"""Each gateway's measured clock offset and its count of late rows, on the ``gateways`` row.

Revision ID: 0011
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TZ = sa.DateTime(timezone=True)
_COLUMNS = ("late_rows", "clock_window_start", "clock_window_max_s", "clock_offset_at", "clock_offset_s")


def upgrade() -> None:
    """Add the clock offset estimate (and the window it is kept over) and ``late_rows``."""
    op.add_column("gateways", sa.Column("clock_offset_s", sa.Double(), nullable=True))
    op.add_column("gateways", sa.Column("clock_offset_at", _TZ, nullable=True))
    op.add_column("gateways", sa.Column("clock_window_max_s", sa.Double(), nullable=True))
    op.add_column("gateways", sa.Column("clock_window_start", _TZ, nullable=True))
    late_rows = sa.Column("late_rows", sa.BigInteger(), server_default=sa.text("0"), nullable=False)
    op.add_column("gateways", late_rows)


def downgrade() -> None:
    """Drop the columns again."""
    for column in _COLUMNS:
        op.drop_column("gateways", column)
