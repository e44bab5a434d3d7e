"""Checking the parts the API depends on."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from cloud.health.schemas import BrokerHealth, DatabaseHealth, Health, IngestionHealth
from cloud.ingestion.models import IngestionWorker

logger = logging.getLogger(__name__)

# Workers heartbeat every ~2 s; a worker silent for this long is gone (crashed or stopped).
WORKER_ALIVE_WITHIN = timedelta(seconds=15)
# Agents publish readings every few seconds (batched): a newest stored reading older than this means
# ingestion has fallen behind or the readings stopped arriving; the dashboard's header says so.
LAG_LIMIT_S = 30.0


def check(*, db_session: Session, broker_connected: bool) -> Health:
    """The health of database, broker link and ingestion; never raises for a database that is down."""
    now = datetime.now(UTC)
    try:
        row = db_session.execute(
            sa.select(
                sa.func.count().filter(IngestionWorker.heartbeat_at >= now - WORKER_ALIVE_WITHIN),
                sa.func.max(IngestionWorker.last_commit_at),
                sa.func.max(IngestionWorker.newest_event_ts),
            )
        ).one()
    except SQLAlchemyError as exc:
        db_session.rollback()
        # Only the driver's first line: enough to act on, without a stack of internals.
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        logger.warning("health check: database unreachable: %s", reason)
        return Health(
            status="degraded",
            database=DatabaseHealth(ok=False, error=f"{type(exc).__name__}: {reason}"),
            broker=BrokerHealth(connected=broker_connected),
            ingestion=IngestionHealth(workers=0, last_commit_at=None, lag_s=None, lag_limit_s=LAG_LIMIT_S),
        )
    workers, last_commit_at, newest_event_ts = row
    lag_s = (now - newest_event_ts).total_seconds() if newest_event_ts is not None else None
    healthy = broker_connected and workers > 0
    return Health(
        status="ok" if healthy else "degraded",
        database=DatabaseHealth(ok=True, error=None),
        broker=BrokerHealth(connected=broker_connected),
        ingestion=IngestionHealth(
            workers=workers,
            last_commit_at=last_commit_at,
            lag_s=lag_s,
            lagging=lag_s is not None and lag_s > LAG_LIMIT_S,
            lag_limit_s=LAG_LIMIT_S,
        ),
    )
