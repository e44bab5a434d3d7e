"""Initial schema: gateways, machines, sensor_data, predictions, tickets, dead letters, workers, engine state.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
NOW = sa.text("now()")

ticket_status = postgresql.ENUM("OPEN", "IN_PROGRESS", "RESOLVED", name="ticket_status", create_type=False)
ticket_priority = postgresql.ENUM("LOW", "HIGH", "CRITICAL", name="ticket_priority", create_type=False)


def upgrade() -> None:
    """Create every table of the walking skeleton."""
    op.create_table(
        "gateways",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("online", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("last_seen", TZ, nullable=True),
        sa.Column("agent_version", sa.Text(), nullable=True),
        sa.Column("model_version", sa.Text(), nullable=True),
        sa.Column("outbox_depth", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("dropped", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, server_default=NOW, nullable=False),
        sa.Column("updated_at", TZ, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_gateways"),
    )

    op.create_table(
        "machines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, server_default=NOW, nullable=False),
        sa.Column("gateway_id", sa.Text(), nullable=True),
        # false for a placeholder made when data named a machine before its gateway announced it
        sa.Column("registered", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_machines"),
        sa.ForeignKeyConstraint(["gateway_id"], ["gateways.id"], name="fk_machines_gateway_id_gateways"),
    )

    op.create_table(
        "sensor_data",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("machine_id", sa.Uuid(), nullable=False),
        sa.Column("timestamp", TZ, nullable=False),
        sa.Column("temperature", sa.Double(), nullable=True),
        sa.Column("vibration", sa.Double(), nullable=True),
        sa.Column("rpm", sa.Double(), nullable=True),
        sa.Column("gateway_id", sa.Text(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("ingested_at", TZ, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sensor_data"),
        sa.ForeignKeyConstraint(["machine_id"], ["machines.id"], name="fk_sensor_data_machine_id_machines"),
    )
    op.create_index("ix_sensor_data_machine_id_timestamp", "sensor_data", ["machine_id", "timestamp"])
    op.create_index("ix_sensor_data_gateway_id_seq", "sensor_data", ["gateway_id", "seq"])

    op.create_table(
        "predictions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("machine_id", sa.Uuid(), nullable=False),
        sa.Column("timestamp", TZ, nullable=False),
        sa.Column("failure_prob", sa.Double(), nullable=False),
        sa.Column("is_anomaly", sa.Boolean(), nullable=False),
        sa.Column("anomaly_score", sa.Double(), nullable=False),
        sa.Column("model_version", sa.Text(), nullable=False),
        sa.Column("gateway_id", sa.Text(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("ingested_at", TZ, server_default=NOW, nullable=False),
        sa.Column("features", postgresql.JSONB(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_predictions"),
        sa.ForeignKeyConstraint(["machine_id"], ["machines.id"], name="fk_predictions_machine_id_machines"),
        sa.CheckConstraint(
            "failure_prob >= 0 AND failure_prob <= 1", name="ck_predictions_failure_prob_range"
        ),
    )
    op.create_index("ix_predictions_machine_id_timestamp", "predictions", ["machine_id", "timestamp"])
    op.create_index("ix_predictions_ingested_at", "predictions", ["ingested_at"])

    ticket_status.create(op.get_bind())
    ticket_priority.create(op.get_bind())
    op.create_table(
        "maintenance_tickets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("machine_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("status", ticket_status, server_default="OPEN", nullable=False),
        sa.Column("priority", ticket_priority, nullable=False),
        sa.Column("technician_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", TZ, server_default=NOW, nullable=False),
        sa.Column("updated_at", TZ, server_default=NOW, nullable=False),
        sa.Column("resolved_at", TZ, nullable=True),
        # {model_version, failure_prob, anomaly_score, prediction_ts, features}
        sa.Column("reason", postgresql.JSONB(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_maintenance_tickets"),
        sa.ForeignKeyConstraint(
            ["machine_id"], ["machines.id"], name="fk_maintenance_tickets_machine_id_machines"
        ),
    )
    # At most one ticket per machine that is not yet resolved.
    op.create_index(
        "uq_maintenance_tickets_open_machine",
        "maintenance_tickets",
        ["machine_id"],
        unique=True,
        postgresql_where=sa.text("status <> 'RESOLVED'"),
    )

    op.create_table(
        "dead_letters",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),  # BIGSERIAL
        sa.Column("received_at", TZ, server_default=NOW, nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dead_letters"),
    )

    op.create_table(
        "ingestion_workers",
        sa.Column("worker_id", sa.Text(), nullable=False),
        sa.Column("broker_connected", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("last_commit_at", TZ, nullable=True),
        sa.Column("newest_event_ts", TZ, nullable=True),
        sa.Column("rows_committed", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("dead_letters", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("heartbeat_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("worker_id", name="pk_ingestion_workers"),
    )

    op.create_table(
        "engine_state",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("watermark", TZ, nullable=True),
        sa.Column("updated_at", TZ, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_engine_state"),
    )


def downgrade() -> None:
    """Drop everything, dependants first."""
    for table in ("engine_state", "ingestion_workers", "dead_letters", "maintenance_tickets"):
        op.drop_table(table)
    ticket_priority.drop(op.get_bind())
    ticket_status.drop(op.get_bind())
    for table in ("predictions", "sensor_data", "machines", "gateways"):
        op.drop_table(table)
