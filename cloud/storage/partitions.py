"""Day partitions of ``sensor_data`` and ``predictions``: create them ahead, adopt stray rows, drop old days.

A day partition is created standalone, filled with the rows of that day the DEFAULT partition caught (a
reading from a clock far off, a replay of old data), then attached: ``CREATE TABLE … PARTITION OF`` would
refuse while DEFAULT holds such rows. Everything for one day happens in one transaction, under an advisory
lock so that two maintainers (two workers starting at once) never race.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from cloud.storage.errors import StorageError

logger = logging.getLogger(__name__)

PARTITIONED_TABLES = ("sensor_data", "predictions")
SCHEMA = "partitions"
# Any constant shared by every maintainer: pg_advisory_xact_lock serialises partition changes on it.
_ADVISORY_LOCK_KEY = 0x6D61696E  # "main"
# Wait this long for the locks a partition change needs (ingestion holds them only for a batch).
_LOCK_TIMEOUT = "10s"
_DAY_NAME = re.compile(r"^(?P<table>[a-z_]+)_p(?P<day>\d{8})$")


@dataclass
class MaintenanceReport:
    """What one maintenance pass changed."""

    created: list[str] = field(default_factory=list)
    moved_rows: int = 0
    dropped: list[str] = field(default_factory=list)
    default_rows_deleted: int = 0
    rollup_rows_deleted: int = 0


# The event times whose day can get a partition of its own: from the Unix epoch (partition names need a
# four-digit year) to a day before the end of Python's dates.
ADOPTABLE = ("1970-01-01 00:00:00+00", "9999-12-31 00:00:00+00")


def partition_name(table: str, day: date) -> str:
    """The name of ``table``'s partition for the UTC day ``day`` (in the ``partitions`` schema)."""
    _check_table(table)
    return f"{table}_p{day:%Y%m%d}"


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of ``day``."""
    return datetime.combine(day, time(), tzinfo=UTC)


def _check_table(table: str) -> None:
    if table not in PARTITIONED_TABLES:
        raise StorageError(f"{table!r} is not a partitioned table; expected one of {PARTITIONED_TABLES}")


def existing_days(connection: sa.Connection, table: str) -> list[date]:
    """The days that have their own partition of ``table``, oldest first."""
    _check_table(table)
    names = connection.execute(
        sa.text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = CAST(:parent AS regclass)"
        ),
        {"parent": table},
    ).scalars()
    days = []
    for name in names:
        match = _DAY_NAME.match(name)
        if match and match["table"] == table:
            days.append(datetime.strptime(match["day"], "%Y%m%d").date())
    return sorted(days)


def ensure_day(connection: sa.Connection, table: str, day: date) -> int | None:
    """Give ``day`` its own partition of ``table`` unless it has one; return rows adopted from DEFAULT.

    Returns None when the partition already existed. Runs in the caller's transaction.
    """
    name = partition_name(table, day)
    connection.execute(sa.text(f"SET LOCAL lock_timeout = '{_LOCK_TIMEOUT}'"))
    connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
    if day in existing_days(connection, table):
        return None
    start, end = day_start(day), day_start(day + timedelta(days=1))
    bounds = {"start": start, "end": end}
    connection.execute(
        sa.text(f"CREATE TABLE {SCHEMA}.{name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    )
    # Moved straight between partitions, not through the parent: these rows are rolled up already.
    moved = connection.execute(
        sa.text(
            f"WITH moved AS (DELETE FROM {SCHEMA}.{table}_default "
            f'WHERE "timestamp" >= :start AND "timestamp" < :end RETURNING *) '
            f"INSERT INTO {SCHEMA}.{name} SELECT * FROM moved"
        ),
        bounds,
    ).rowcount
    connection.execute(
        sa.text(
            f"ALTER TABLE {table} ATTACH PARTITION {SCHEMA}.{name} "
            f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
        )
    )
    logger.info("created partition %s.%s (%d rows adopted from the default partition)", SCHEMA, name, moved)
    return int(moved)


def ensure_partitions(engine: sa.Engine, first: date, last: date) -> MaintenanceReport:
    """Give every day from ``first`` to ``last`` (inclusive) its partitions; one transaction per day."""
    report = MaintenanceReport()
    for table in PARTITIONED_TABLES:
        day = first
        while day <= last:
            with engine.begin() as connection:
                moved = ensure_day(connection, table, day)
            if moved is not None:
                report.created.append(partition_name(table, day))
                report.moved_rows += moved
            day += timedelta(days=1)
    return report


def adopt_default_rows(engine: sa.Engine) -> MaintenanceReport:
    """Give every day that has rows in a DEFAULT partition its own partition (moving those rows there)."""
    report = MaintenanceReport()
    for table in PARTITIONED_TABLES:
        with engine.connect() as connection:
            days = connection.execute(
                sa.text(
                    f"SELECT DISTINCT date_bin('1 day', \"timestamp\", TIMESTAMPTZ '2000-01-01 00:00:00+00') "
                    f"FROM {SCHEMA}.{table}_default "
                    # Days a partition can be named for; rows beyond (a year 10000 or BC time written
                    # before event times were checked) stay in DEFAULT, where retention finds the old ones.
                    f"WHERE \"timestamp\" >= TIMESTAMPTZ '{ADOPTABLE[0]}' "
                    f"AND \"timestamp\" < TIMESTAMPTZ '{ADOPTABLE[1]}'"
                )
            ).scalars()
            stray = sorted(ts.astimezone(UTC).date() for ts in days)
        for day in stray:
            with engine.begin() as connection:
                moved = ensure_day(connection, table, day)
            if moved is not None:
                report.created.append(partition_name(table, day))
                report.moved_rows += moved
    return report


def drop_days_before(engine: sa.Engine, cutoff: date) -> MaintenanceReport:
    """Drop every day partition that ends on or before ``cutoff`` and delete older DEFAULT rows."""
    report = MaintenanceReport()
    for table in PARTITIONED_TABLES:
        with engine.begin() as connection:
            connection.execute(sa.text(f"SET LOCAL lock_timeout = '{_LOCK_TIMEOUT}'"))
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
            for day in existing_days(connection, table):
                if day + timedelta(days=1) <= cutoff:
                    name = partition_name(table, day)
                    connection.execute(sa.text(f"DROP TABLE {SCHEMA}.{name}"))
                    report.dropped.append(name)
            report.default_rows_deleted += connection.execute(
                sa.text(f'DELETE FROM {SCHEMA}.{table}_default WHERE "timestamp" < :cutoff'),
                {"cutoff": day_start(cutoff)},
            ).rowcount
    if report.dropped:
        logger.info("retention dropped partitions %s", ", ".join(report.dropped))
    return report
