"""What a deployment report does to a rollout: the gateway's row in ``rollout_targets`` takes its state.

Reports arrive through ingestion like every other gateway message (``cloud.ingestion``: dead letters with
reasons, acknowledged only after the commit that stores them); this module is only what storing one means.
Reports are idempotent facts ("gateway g is in state s for rollout r"), so a duplicate or a replayed
retained report writes the same row again, and the one with the later ``ts`` wins. One SQL statement on a
DB-API cursor, so the ingestion writer (psycopg2, no ORM) and the registry's services share it.
"""

from __future__ import annotations

import logging
from datetime import UTC
from typing import Any

import msgspec
from sqlalchemy.orm import Session

from contract.payloads import DeploymentReport

logger = logging.getLogger(__name__)

# The rollout must exist; a new target enters at stage 0; a report older than the stored one changes nothing.
# Returns one row, the number of rollouts matched (0 or 1), whether or not the row changed.
_UPSERT = """
WITH known AS (SELECT id FROM rollouts WHERE id = %(rollout_id)s),
stored AS (
    INSERT INTO rollout_targets (rollout_id, gateway_id, stage, state, serving, detail, shadow, updated_at)
    SELECT id, %(gateway_id)s, 0, %(state)s, %(serving)s, %(detail)s, %(shadow)s::jsonb, %(ts)s FROM known
    ON CONFLICT (rollout_id, gateway_id) DO UPDATE SET
        state = EXCLUDED.state, serving = EXCLUDED.serving, detail = EXCLUDED.detail,
        shadow = EXCLUDED.shadow, updated_at = EXCLUDED.updated_at
    WHERE rollout_targets.updated_at <= EXCLUDED.updated_at
)
SELECT count(*) FROM known"""


def store_report(cursor: Any, report: DeploymentReport) -> bool:
    """Store one report on a DB-API cursor, no commit; False when it names no rollout this registry knows."""
    if report.rollout_id is None:
        known = False
    else:
        shadow = None if report.shadow is None else msgspec.json.encode(report.shadow).decode()
        cursor.execute(
            _UPSERT,
            {
                "rollout_id": str(report.rollout_id),
                "gateway_id": report.gateway_id,
                "state": report.state,
                "serving": report.serving,
                "detail": report.detail or None,
                "shadow": shadow,
                # Routing refused times UTC cannot hold; PostgreSQL refuses offsets beyond ±15:59.
                "ts": report.ts.astimezone(UTC),
            },
        )
        known = bool(cursor.fetchone()[0])
    if not known:
        logger.info(
            "report from %s for no known rollout: %s %s", report.gateway_id, report.version, report.state
        )
    return known


def record_report(*, db_session: Session, report: DeploymentReport) -> bool:
    """Store one report against its rollout in ``db_session``'s transaction (see ``store_report``)."""
    db_session.flush()  # the statement below bypasses the ORM: pending rows must be in the database first
    cursor = db_session.connection().connection.cursor()
    try:
        return store_report(cursor, report)
    finally:
        cursor.close()
