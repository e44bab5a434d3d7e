"""Partition sensor_data and predictions by day, add 1-minute and 1-hour reading roll-ups kept by a trigger.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

The primary keys become (id, timestamp): a partitioned table's unique keys must include the partition
key, and an edge record's id and timestamp never change, so duplicates still collapse. Day partitions
live in the ``partitions`` schema (out of the ORM's sight), beside a DEFAULT partition per table that
takes rows no day partition covers. Existing rows are copied over, and their roll-ups computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Days of partitions created ahead at migration time; the maintenance job keeps this up afterwards.
_DAYS_AHEAD = 3
_SIGNALS = ("temperature", "vibration", "rpm")

_SENSOR_DATA = """
CREATE TABLE sensor_data (
    id uuid NOT NULL,
    machine_id uuid NOT NULL,
    "timestamp" timestamptz NOT NULL,
    temperature double precision,
    vibration double precision,
    rpm double precision,
    gateway_id text NOT NULL,
    seq bigint NOT NULL,
    ingested_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_sensor_data PRIMARY KEY (id, "timestamp"),
    CONSTRAINT fk_sensor_data_machine_id_machines FOREIGN KEY (machine_id) REFERENCES machines (id)
) PARTITION BY RANGE ("timestamp")"""

_PREDICTIONS = """
CREATE TABLE predictions (
    id uuid NOT NULL,
    machine_id uuid NOT NULL,
    "timestamp" timestamptz NOT NULL,
    failure_prob double precision NOT NULL,
    is_anomaly boolean NOT NULL,
    anomaly_score double precision NOT NULL,
    model_version text NOT NULL,
    gateway_id text NOT NULL,
    seq bigint NOT NULL,
    ingested_at timestamptz NOT NULL DEFAULT now(),
    features jsonb,
    CONSTRAINT pk_predictions PRIMARY KEY (id, "timestamp"),
    CONSTRAINT fk_predictions_machine_id_machines FOREIGN KEY (machine_id) REFERENCES machines (id),
    CONSTRAINT ck_predictions_failure_prob_range CHECK (failure_prob >= 0 AND failure_prob <= 1)
) PARTITION BY RANGE ("timestamp")"""


def _rollup_table(name: str) -> str:
    signals = ",\n".join(
        f"    {s}_count bigint NOT NULL, {s}_sum double precision NOT NULL, "
        f"{s}_min double precision, {s}_max double precision"
        for s in _SIGNALS
    )
    return f"""
CREATE TABLE {name} (
    machine_id uuid NOT NULL,
    bucket timestamptz NOT NULL,
    n bigint NOT NULL,
{signals},
    CONSTRAINT pk_{name} PRIMARY KEY (machine_id, bucket)
)"""


def _rollup_upsert(name: str, width: str) -> str:
    # Buckets are binned from the epoch, not truncated in the session's time zone.
    bucket = f"date_bin('{width}', \"timestamp\", TIMESTAMPTZ '2000-01-01 00:00:00+00')"
    aggregates = ", ".join(f"count({s}), coalesce(sum({s}), 0), min({s}), max({s})" for s in _SIGNALS)
    columns = ", ".join(f"{s}_count, {s}_sum, {s}_min, {s}_max" for s in _SIGNALS)
    merges = ",\n        ".join(
        f"{s}_count = r.{s}_count + EXCLUDED.{s}_count, {s}_sum = r.{s}_sum + EXCLUDED.{s}_sum, "
        f"{s}_min = least(r.{s}_min, EXCLUDED.{s}_min), {s}_max = greatest(r.{s}_max, EXCLUDED.{s}_max)"
        for s in _SIGNALS
    )
    # ORDER BY: concurrent workers then lock roll-up rows in the same order, so they never deadlock.
    return f"""
    INSERT INTO {name} AS r (machine_id, bucket, n, {columns})
    SELECT machine_id, {bucket}, count(*), {aggregates}
    FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (machine_id, bucket) DO UPDATE SET
        n = r.n + EXCLUDED.n,
        {merges};"""


# A statement-level trigger with a transition table: it sees exactly the rows the statement inserted
# (a COPY, or the INSERT … ON CONFLICT DO NOTHING that dropped duplicates), once per batch, not per row.
_ROLLUP_FUNCTION = f"""
CREATE FUNCTION sensor_data_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{_rollup_upsert("sensor_rollup_1m", "1 minute")}
{_rollup_upsert("sensor_rollup_1h", "1 hour")}
    RETURN NULL;
END
$$"""
_ROLLUP_TRIGGER = """
CREATE TRIGGER sensor_data_rollup AFTER INSERT ON sensor_data
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sensor_data_rollup()"""


def _create_partitions(table: str, first: datetime, last: datetime) -> None:
    op.execute(f"CREATE TABLE partitions.{table}_default PARTITION OF {table} DEFAULT")
    day = first
    while day <= last:
        nxt = day + timedelta(days=1)
        op.execute(
            f"CREATE TABLE partitions.{table}_p{day:%Y%m%d} PARTITION OF {table} "
            f"FOR VALUES FROM ('{day.isoformat()}') TO ('{nxt.isoformat()}')"
        )
        day = nxt


def _rename_old(table: str, indexes: Sequence[str], constraints: Sequence[str]) -> None:
    # Index names are schema-wide, so the old ones (primary keys included) must make way.
    op.execute(f"ALTER TABLE {table} RENAME TO {table}_0002")
    for name in constraints:
        op.execute(f"ALTER TABLE {table}_0002 RENAME CONSTRAINT {name} TO {name}_0002")
    for name in indexes:
        op.execute(f"ALTER INDEX {name} RENAME TO {name}_0002")


def upgrade() -> None:
    """Replace sensor_data and predictions with day-partitioned tables, copying rows; add roll-ups."""
    op.execute("CREATE SCHEMA partitions")
    _rename_old(
        "sensor_data",
        ["ix_sensor_data_machine_id_timestamp", "ix_sensor_data_gateway_id_seq"],
        ["pk_sensor_data"],
    )
    _rename_old(
        "predictions",
        ["ix_predictions_machine_id_timestamp", "ix_predictions_ingested_at"],
        ["pk_predictions"],
    )
    op.execute(_SENSOR_DATA)
    op.execute(_PREDICTIONS)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    for table in ("sensor_data", "predictions"):
        _create_partitions(table, today - timedelta(days=1), today + timedelta(days=_DAYS_AHEAD))
    # Indexes on the parents are created on every partition, present and future.
    op.create_index("ix_sensor_data_machine_id_timestamp", "sensor_data", ["machine_id", "timestamp"])
    op.create_index("ix_sensor_data_gateway_id_seq", "sensor_data", ["gateway_id", "seq"])
    op.create_index("ix_predictions_machine_id_timestamp", "predictions", ["machine_id", "timestamp"])
    op.create_index("ix_predictions_ingested_at", "predictions", ["ingested_at"])

    op.execute(_rollup_table("sensor_rollup_1m"))
    op.execute(_rollup_table("sensor_rollup_1h"))
    op.execute(_ROLLUP_FUNCTION)
    op.execute(_ROLLUP_TRIGGER)

    # Existing rows go through the parents: the trigger rolls them up, older days land in DEFAULT.
    op.execute("INSERT INTO sensor_data SELECT * FROM sensor_data_0002")
    op.execute("INSERT INTO predictions SELECT * FROM predictions_0002")
    op.drop_table("sensor_data_0002")
    op.drop_table("predictions_0002")


_PLAIN_SENSOR_DATA = """
CREATE TABLE sensor_data (
    id uuid NOT NULL,
    machine_id uuid NOT NULL,
    "timestamp" timestamptz NOT NULL,
    temperature double precision,
    vibration double precision,
    rpm double precision,
    gateway_id text NOT NULL,
    seq bigint NOT NULL,
    ingested_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_sensor_data PRIMARY KEY (id),
    CONSTRAINT fk_sensor_data_machine_id_machines FOREIGN KEY (machine_id) REFERENCES machines (id)
)"""
_PLAIN_PREDICTIONS = """
CREATE TABLE predictions (
    id uuid NOT NULL,
    machine_id uuid NOT NULL,
    "timestamp" timestamptz NOT NULL,
    failure_prob double precision NOT NULL,
    is_anomaly boolean NOT NULL,
    anomaly_score double precision NOT NULL,
    model_version text NOT NULL,
    gateway_id text NOT NULL,
    seq bigint NOT NULL,
    ingested_at timestamptz NOT NULL DEFAULT now(),
    features jsonb,
    CONSTRAINT pk_predictions PRIMARY KEY (id),
    CONSTRAINT fk_predictions_machine_id_machines FOREIGN KEY (machine_id) REFERENCES machines (id),
    CONSTRAINT ck_predictions_failure_prob_range CHECK (failure_prob >= 0 AND failure_prob <= 1)
)"""


def downgrade() -> None:
    """Back to plain tables keyed by id (rows copied back), without roll-ups."""
    op.execute("DROP TRIGGER sensor_data_rollup ON sensor_data")
    op.execute("DROP FUNCTION sensor_data_rollup()")
    op.drop_table("sensor_rollup_1h")
    op.drop_table("sensor_rollup_1m")
    _rename_old(
        "sensor_data",
        ["ix_sensor_data_machine_id_timestamp", "ix_sensor_data_gateway_id_seq"],
        ["pk_sensor_data"],
    )
    _rename_old(
        "predictions",
        ["ix_predictions_machine_id_timestamp", "ix_predictions_ingested_at"],
        ["pk_predictions"],
    )
    op.execute(_PLAIN_SENSOR_DATA)
    op.execute(_PLAIN_PREDICTIONS)
    op.create_index("ix_sensor_data_machine_id_timestamp", "sensor_data", ["machine_id", "timestamp"])
    op.create_index("ix_sensor_data_gateway_id_seq", "sensor_data", ["gateway_id", "seq"])
    op.create_index("ix_predictions_machine_id_timestamp", "predictions", ["machine_id", "timestamp"])
    op.create_index("ix_predictions_ingested_at", "predictions", ["ingested_at"])
    op.execute("INSERT INTO sensor_data SELECT * FROM sensor_data_0002")
    op.execute("INSERT INTO predictions SELECT * FROM predictions_0002")
    # Dropping the parents drops every partition with them.
    op.execute("DROP TABLE sensor_data_0002, predictions_0002")
    op.execute("DROP SCHEMA partitions CASCADE")
