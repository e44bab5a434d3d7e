"""Notifications: channels, rules, personal switches, the delivery outbox with its attempts, and the cursor
over ``ticket_events`` (started at the newest event, so an upgrade does not notify the past).

A statement trigger on ``ticket_events`` and ``notification_deliveries`` sends NOTIFY so the worker wakes
at once instead of polling (the ticket → message latency target is p99 < 5 s).

Revision ID: 0015
Revises: 0017
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
NOW = sa.text("now()")
CHANNEL_KIND = postgresql.ENUM("email", "webhook", name="notification_channel_kind", create_type=False)
WEBHOOK_FORMAT = postgresql.ENUM(
    "generic", "slack", "teams", name="notification_webhook_format", create_type=False
)
EVENT = postgresql.ENUM(
    "opened",
    "escalated",
    "assigned",
    "unacknowledged",
    "resolved",
    "test",
    name="notification_event",
    create_type=False,
)
STATUS = postgresql.ENUM(
    "pending", "delivered", "failed", name="notification_delivery_status", create_type=False
)
PRIORITY = postgresql.ENUM("LOW", "HIGH", "CRITICAL", name="ticket_priority", create_type=False)
# The channel the worker LISTENs on (cloud/notifications/worker.py uses the same name).
WAKE_CHANNEL = "maintainx_notifications"


def upgrade() -> None:
    """Create the notification tables, the cursor at the newest ticket event, and the wake-up trigger."""
    for kind in (CHANNEL_KIND, WEBHOOK_FORMAT, EVENT, STATUS):
        kind.create(op.get_bind())
    op.create_table(
        "notification_channels",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", CHANNEL_KIND, nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("format", WEBHOOK_FORMAT, server_default="generic", nullable=False),
        sa.Column("secret", sa.Text(), nullable=True),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", TZ, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_notification_channels"),
        sa.UniqueConstraint("name", name="uq_notification_channels_name"),
    )
    op.create_table(
        "notification_rules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("channel_id", sa.Uuid(), nullable=False),
        sa.Column("events", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("min_priority", PRIORITY, nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=True),
        sa.Column("line_id", sa.Uuid(), nullable=True),
        sa.Column("roles", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("user_ids", postgresql.ARRAY(sa.Uuid()), server_default="{}", nullable=False),
        sa.Column("assignee", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("unack_minutes", sa.Integer(), nullable=True),
        sa.Column("quiet_start", sa.Time(), nullable=True),
        sa.Column("quiet_end", sa.Time(), nullable=True),
        sa.Column("quiet_tz", sa.Text(), server_default="UTC", nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", TZ, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_notification_rules"),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["notification_channels.id"],
            name="fk_notification_rules_channel_id_notification_channels",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_notification_rules_site_id_sites", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["line_id"], ["lines.id"], name="fk_notification_rules_line_id_lines", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_notification_rules_channel_id", "notification_rules", ["channel_id"])
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("channel_id", sa.Uuid(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "channel_id", name="pk_notification_preferences"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_notification_preferences_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["notification_channels.id"],
            name="fk_notification_preferences_channel_id_notification_channels",
            ondelete="CASCADE",
        ),
    )
    _create_outbox()
    op.create_table(
        "notification_cursor",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("watermark", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_notification_cursor"),
    )
    op.create_table(
        "notification_seen_events",
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("seen_at", TZ, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_notification_seen_events"),
    )
    op.execute(
        "INSERT INTO notification_cursor (name, watermark) "
        "SELECT 'ticket_events', coalesce(max(id), 0) FROM ticket_events"
    )
    op.execute(
        "CREATE FUNCTION notification_wake() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN PERFORM pg_notify('{WAKE_CHANNEL}', TG_TABLE_NAME); RETURN NULL; END $$"
    )
    for table in ("ticket_events", "notification_deliveries"):
        op.execute(
            f"CREATE TRIGGER {table}_notification_wake AFTER INSERT ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION notification_wake()"
        )


def _create_outbox() -> None:
    op.create_table(
        "notification_deliveries",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_key", sa.Text(), nullable=False),
        sa.Column("event", EVENT, nullable=False),
        sa.Column("channel_id", sa.Uuid(), nullable=False),
        sa.Column("rule_id", sa.Uuid(), nullable=True),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("recipient", sa.Text(), nullable=True),
        sa.Column("priority", PRIORITY, nullable=True),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("status", STATUS, server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("next_attempt_at", TZ, server_default=NOW, nullable=False),
        sa.Column("held", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, server_default=NOW, nullable=False),
        sa.Column("delivered_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_notification_deliveries"),
        sa.UniqueConstraint("event_id", name="uq_notification_deliveries_event_id"),
        sa.UniqueConstraint(
            "channel_id",
            "event_key",
            "recipient",
            name="uq_notification_deliveries_channel_id_event_key_recipient",
            postgresql_nulls_not_distinct=True,
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["notification_channels.id"],
            name="fk_notification_deliveries_channel_id_notification_channels",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["notification_rules.id"],
            name="fk_notification_deliveries_rule_id_notification_rules",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["maintenance_tickets.id"],
            name="fk_notification_deliveries_ticket_id_maintenance_tickets",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_notification_deliveries_due",
        "notification_deliveries",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_notification_deliveries_ticket_channel",
        "notification_deliveries",
        ["ticket_id", "channel_id", "id"],
    )
    op.create_table(
        "notification_attempts",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("delivery_id", sa.BigInteger(), nullable=False),
        sa.Column("at", TZ, server_default=NOW, nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_notification_attempts"),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["notification_deliveries.id"],
            name="fk_notification_attempts_delivery_id_notification_deliveries",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_notification_attempts_delivery_id", "notification_attempts", ["delivery_id"])


def downgrade() -> None:
    """Drop the trigger, the notification tables and their types."""
    for table in ("ticket_events", "notification_deliveries"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_notification_wake ON {table}")
    op.execute("DROP FUNCTION IF EXISTS notification_wake()")
    for table in (
        "notification_seen_events",
        "notification_cursor",
        "notification_attempts",
        "notification_deliveries",
        "notification_preferences",
        "notification_rules",
        "notification_channels",
    ):
        op.drop_table(table)
    for kind in (STATUS, EVENT, WEBHOOK_FORMAT, CHANNEL_KIND):
        kind.drop(op.get_bind())
