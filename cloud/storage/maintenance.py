"""The storage maintenance job: partitions ahead, stray rows adopted, retention; once or on an interval.

Run by ``python -m cloud storage`` (every ``storage_maintenance_interval_s``), and once by each ingestion
worker at start, so a fresh install has today's partitions even before the job first runs. The DEFAULT
partitions make all of it a matter of speed, never of correctness: no insert fails for want of a partition.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from cloud.config import Settings
from cloud.db import make_engine
from cloud.metrics import observe_storage, write_textfile
from cloud.storage.partitions import (
    MaintenanceReport,
    adopt_default_rows,
    day_start,
    drop_days_before,
    ensure_partitions,
)

logger = logging.getLogger(__name__)

# Backoff between failed passes (database unreachable): doubling from the first to the second.
RETRY_MIN_S, RETRY_MAX_S = 1.0, 60.0

_ROLLUP_1M = "sensor_rollup_1m"


def maintain(
    engine: sa.Engine,
    *,
    days_ahead: int,
    retention_days: int | None,
    rollup_1m_retention_days: int | None,
    today: date | None = None,
) -> MaintenanceReport:
    """One maintenance pass: partitions up to ``days_ahead``, stray rows adopted, old data dropped.

    A retention of None keeps data forever. Hourly roll-ups are always kept: they are small and keep
    long-range charts working after the raw rows are gone.
    """
    today = today or datetime.now(UTC).date()
    report = MaintenanceReport()
    # Retention first, so rows about to expire are not moved out of DEFAULT into a day of their own.
    if retention_days is not None:
        dropped = drop_days_before(engine, today - timedelta(days=retention_days))
        report.dropped += dropped.dropped
        report.default_rows_deleted += dropped.default_rows_deleted
    for step in (
        ensure_partitions(engine, today - timedelta(days=1), today + timedelta(days=days_ahead)),
        adopt_default_rows(engine),
    ):
        report.created += step.created
        report.moved_rows += step.moved_rows
    if rollup_1m_retention_days is not None:
        cutoff = day_start(today - timedelta(days=rollup_1m_retention_days))
        with engine.begin() as connection:
            report.rollup_rows_deleted = connection.execute(
                sa.text(f"DELETE FROM {_ROLLUP_1M} WHERE bucket < :cutoff"), {"cutoff": cutoff}
            ).rowcount
    return report


def maintain_with(settings: Settings, engine: sa.Engine, today: date | None = None) -> MaintenanceReport:
    """One maintenance pass with the retention and look-ahead of ``settings``."""
    return maintain(
        engine,
        days_ahead=settings.storage_days_ahead,
        retention_days=settings.storage_retention_days,
        rollup_1m_retention_days=settings.storage_rollup_1m_retention_days,
        today=today,
    )


def run_maintenance(settings: Settings, stop: threading.Event, *, once: bool = False) -> None:
    """Run maintenance now and then every ``storage_maintenance_interval_s`` until ``stop`` is set."""
    engine = make_engine(settings.resolved_database_url(), pool_size=1, max_overflow=0)
    interval = settings.storage_maintenance_interval_s
    retry_s = RETRY_MIN_S
    try:
        while True:
            wait = interval
            try:
                report = maintain_with(settings, engine)
                logger.info(
                    "storage maintenance: %d partitions created, %d rows adopted, %d dropped",
                    len(report.created),
                    report.moved_rows,
                    len(report.dropped),
                )
                observe_storage(ok=True, created=len(report.created), dropped=len(report.dropped))
                retry_s = RETRY_MIN_S
            except sa.exc.DBAPIError as exc:
                # Retried with capped backoff, not after a whole interval: a database that was not up yet
                # when the service started must not leave tomorrow's partitions missing for an hour.
                wait = min(retry_s, interval)
                retry_s = min(retry_s * 2, RETRY_MAX_S)
                logger.warning(
                    "storage maintenance failed, retrying in %.0f s: %s",
                    wait,
                    str(exc).strip().splitlines()[0],
                )
                observe_storage(ok=False)
            write_textfile(settings.metrics_textfile)
            if once or stop.wait(wait):
                return
    finally:
        engine.dispose()
