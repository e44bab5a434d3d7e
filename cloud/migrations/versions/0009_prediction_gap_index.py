"""An index on ``predictions (gateway_id, seq)``, so finding a gateway's missing seqs reads no other gateway.

``sensor_data`` has had the same index since 0001; the gaps API (``GET /api/gateways/{id}/gaps``) walks
both streams of one gateway in seq order.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``ix_predictions_gateway_id_seq`` (on the partitioned table, so on every partition)."""
    op.create_index("ix_predictions_gateway_id_seq", "predictions", ["gateway_id", "seq"])


def downgrade() -> None:
    """Drop ``ix_predictions_gateway_id_seq``."""
    op.drop_index("ix_predictions_gateway_id_seq", table_name="predictions")
