"""Model registry: versions, aliases, gateway labels, rollouts with per-gateway state, model run history.

The run history is kept by a trigger on ``gateways``: whenever the model_version a gateway reports changes,
its open run is closed and a new one opened, so every path that updates a gateway's status records it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
NOW = sa.text("now()")
EMPTY = sa.text("'{}'::jsonb")
JSONB = postgresql.JSONB()

_TRIGGER_FUNCTION = """
CREATE FUNCTION record_gateway_model_run() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.model_version IS NULL OR NEW.model_version = '' THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.model_version IS NOT DISTINCT FROM NEW.model_version THEN
        RETURN NEW;
    END IF;
    UPDATE gateway_model_runs SET ended_at = now()
     WHERE gateway_id = NEW.id AND ended_at IS NULL;
    INSERT INTO gateway_model_runs (gateway_id, version, started_at)
    VALUES (NEW.id, NEW.model_version, now());
    RETURN NEW;
END $$;
"""


def upgrade() -> None:
    """Create the registry tables and the run-history trigger."""
    op.create_table(
        "model_versions",
        sa.Column("id", sa.Integer(), sa.Identity(), nullable=False),
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("manifest", JSONB, nullable=False),
        sa.Column("metrics", JSONB, server_default=EMPTY, nullable=False),
        sa.Column("parity", JSONB, server_default=EMPTY, nullable=False),
        sa.Column("training_data", JSONB, server_default=EMPTY, nullable=False),
        sa.Column("input_schema", JSONB, server_default=EMPTY, nullable=False),
        sa.Column("output_schema", JSONB, server_default=EMPTY, nullable=False),
        sa.Column("envelope", sa.Text(), nullable=True),
        sa.Column("key_id", sa.Text(), nullable=True),
        sa.Column("signed_at", TZ, nullable=True),
        sa.Column("expires_at", TZ, nullable=True),
        sa.Column("created_at", TZ, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_model_versions"),
        sa.UniqueConstraint("version", name="uq_model_versions_version"),
    )
    op.create_table(
        "model_aliases",
        sa.Column("alias", sa.Text(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", TZ, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("alias", name="pk_model_aliases"),
        sa.ForeignKeyConstraint(
            ["version_id"], ["model_versions.id"], name="fk_model_aliases_version_id_model_versions"
        ),
    )
    op.create_table(
        "gateway_labels",
        sa.Column("gateway_id", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("gateway_id", "key", "value", name="pk_gateway_labels"),
    )
    op.create_table(
        "rollouts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.Text(), server_default="deploy", nullable=False),
        sa.Column("target_key", sa.Text(), nullable=False),
        sa.Column("target_value", sa.Text(), nullable=True),
        sa.Column("stages", sa.JSON(), nullable=False),
        sa.Column("stage", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("state", sa.Text(), server_default="active", nullable=False),
        sa.Column("pinned", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("latency_budget_ms", sa.Double(), nullable=False),
        sa.Column("created_at", TZ, server_default=NOW, nullable=False),
        sa.Column("updated_at", TZ, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rollouts"),
        sa.ForeignKeyConstraint(
            ["version_id"], ["model_versions.id"], name="fk_rollouts_version_id_model_versions"
        ),
    )
    op.create_table(
        "rollout_targets",
        sa.Column("rollout_id", sa.Uuid(), nullable=False),
        sa.Column("gateway_id", sa.Text(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), server_default="notified", nullable=False),
        sa.Column("serving", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("shadow", JSONB, nullable=True),
        sa.Column("updated_at", TZ, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("rollout_id", "gateway_id", name="pk_rollout_targets"),
        sa.ForeignKeyConstraint(
            ["rollout_id"], ["rollouts.id"], name="fk_rollout_targets_rollout_id_rollouts"
        ),
    )
    op.create_table(
        "gateway_model_runs",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("gateway_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("ended_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_gateway_model_runs"),
    )
    op.create_index("ix_gateway_model_runs_gateway_id", "gateway_model_runs", ["gateway_id"])
    op.execute(_TRIGGER_FUNCTION)
    op.execute(
        "CREATE TRIGGER gateways_model_run AFTER INSERT OR UPDATE OF model_version ON gateways "
        "FOR EACH ROW EXECUTE FUNCTION record_gateway_model_run()"
    )


def downgrade() -> None:
    """Drop the trigger and the registry tables."""
    op.execute("DROP TRIGGER IF EXISTS gateways_model_run ON gateways")
    op.execute("DROP FUNCTION IF EXISTS record_gateway_model_run()")
    for table in (
        "gateway_model_runs",
        "rollout_targets",
        "rollouts",
        "gateway_labels",
        "model_aliases",
        "model_versions",
    ):
        op.drop_table(table)
