"""Writing one batch in one transaction, each reading and prediction exactly once, with statuses and reports.

The fast path COPYs a batch straight into its table inside a savepoint. Duplicates are rare (a QoS 1
redelivery, an edge replay) but normal: when the COPY hits one, the savepoint is rolled back and the batch
goes the careful way — COPY into a staging table, then ``INSERT … SELECT … ON CONFLICT DO NOTHING`` on the
key (id, timestamp) (both fixed at the edge; the tables are partitioned by timestamp). Either way only rows
actually inserted reach the roll-up trigger, so a duplicate is never counted twice.
Readings or predictions for a machine the cloud does not know yet create a placeholder machine first, so
nothing is lost (see README.md); those for another gateway's machine are dead-lettered (``ownership``).
Functions here take a psycopg2 connection and never commit: the caller does, then acknowledges.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import msgspec
import psycopg2
import psycopg2.errors

from cloud.ingestion.clock import record_clocks
from cloud.ingestion.conflicts import (
    Conflict,
    Span,
    first_line,
    other_time_conflicts,
    same_key_conflicts,
    seqs_stored,
    span,
)
from cloud.ingestion.conflicts import dead_letters as conflict_letters
from cloud.ingestion.dead_letter import Reason, Rejected, insert_dead_letters
from cloud.ingestion.ownership import Ownership
from cloud.ingestion.routing import Accepted, Routed
from cloud.ingestion.stats import WriteStats, latest
from cloud.ingestion.status import write_status
from cloud.ingestion.timecheck import pg_time
from cloud.registry.reports import store_report
from contract.payloads import DeploymentReport, GatewayStatus, PredictionBatch, TelemetryBatch

logger = logging.getLogger(__name__)

# Staging tables live per connection and empty themselves at commit; created on first use. ``line`` numbers
# the rows in COPY order, which tells which message a conflicting row came from and lets the first one win.
_STAGE_READINGS = """
CREATE TEMP TABLE IF NOT EXISTS ingest_readings (
    id uuid, machine_id uuid, "timestamp" timestamptz, temperature float8, vibration float8, rpm float8,
    gateway_id text, seq bigint, line bigint GENERATED ALWAYS AS IDENTITY
) ON COMMIT DELETE ROWS"""
_STAGE_PREDICTIONS = """
CREATE TEMP TABLE IF NOT EXISTS ingest_predictions (
    id uuid, machine_id uuid, "timestamp" timestamptz, failure_prob float8, is_anomaly bool,
    anomaly_score float8, model_version text, gateway_id text, seq bigint, features jsonb, fault text,
    line bigint GENERATED ALWAYS AS IDENTITY
) ON COMMIT DELETE ROWS"""

_READING_COLUMNS = 'id, machine_id, "timestamp", temperature, vibration, rpm, gateway_id, seq'
_PREDICTION_COLUMNS = (
    'id, machine_id, "timestamp", failure_prob, is_anomaly, anomaly_score, model_version, gateway_id, seq, '
    "features, fault"
)
_INSERT_READINGS = f"""
INSERT INTO sensor_data ({_READING_COLUMNS}) SELECT {_READING_COLUMNS} FROM ingest_readings ORDER BY line
ON CONFLICT (id, "timestamp") DO NOTHING"""
_INSERT_PREDICTIONS = f"""
INSERT INTO predictions ({_PREDICTION_COLUMNS})
SELECT {_PREDICTION_COLUMNS} FROM ingest_predictions ORDER BY line
ON CONFLICT (id, "timestamp") DO NOTHING"""

_NULL = "\\N"
_MIN_COPY_CHUNK = 8192
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    return value.translate(_COPY_ESCAPES)


def _copy(cursor: Any, target: str, text: str) -> None:
    # One read of the whole batch: psycopg2's default 8 kB chunks cost a Python round trip each, and
    # PostgreSQL sits waiting for the client between them.
    data = text.encode()
    cursor.copy_expert(f"COPY {target} FROM STDIN", io.BytesIO(data), size=max(len(data), _MIN_COPY_CHUNK))


def _insert_once(
    cursor: Any, *, table: str, columns: str, stage: str, stage_ddl: str, insert: str, text: str, where: Span
) -> tuple[int, list[Conflict]]:
    """COPY ``text`` into ``table``, dropping rows whose id is already stored; return how many were new.

    Also returns the rows refused as conflicts (see ``conflicts``), looked for only on the careful path,
    taken when the COPY collided with a stored key or when a stored row holds one of the batch's gateways
    and seqs (a record replayed, perhaps re-stamped): one index probe per seq range is all the fast path pays.
    """
    found: list[Conflict] = []
    careful = seqs_stored(cursor, table=table, where=where)
    cursor.execute("SAVEPOINT ingest_copy")
    if not careful:
        try:
            _copy(cursor, f"{table} ({columns})", text)
            inserted = int(cursor.rowcount)
        except psycopg2.errors.UniqueViolation:
            cursor.execute("ROLLBACK TO SAVEPOINT ingest_copy")
            careful = True
    if careful:
        cursor.execute(stage_ddl)
        _copy(cursor, f"{stage} ({columns})", text)
        first = first_line(cursor, stage)
        found = other_time_conflicts(cursor, stage=stage, table=table, first=first)
        cursor.execute(insert)
        inserted = int(cursor.rowcount)
        found += same_key_conflicts(cursor, stage=stage, table=table, columns=columns, first=first)
    cursor.execute("RELEASE SAVEPOINT ingest_copy")
    return inserted, found


def reading_text(item: Accepted) -> str:
    """COPY text (tab-separated lines) of the readings of one telemetry message."""
    body = item.body
    assert isinstance(body, TelemetryBatch)
    gw = item.gateway_id
    # The hot loop of ingestion. A message names each machine and time about once per reading, but often
    # shares one time across readings; ids go as bare hex (PostgreSQL reads a uuid with or without hyphens).
    stamps: dict[object, str] = {}
    lines = []
    for r in body.readings:
        ts = stamps.get(r.ts)
        if ts is None:
            ts = stamps[r.ts] = pg_time(r.ts)
        lines.append(
            f"{r.id.hex}\t{r.machine_id.hex}\t{ts}\t{r.temperature!r}\t{r.vibration!r}\t{r.rpm!r}\t{gw}\t{r.seq}\n"
        )
    return "".join(lines)


def prediction_text(item: Accepted) -> str:
    """COPY text (tab-separated lines) of the predictions of one prediction message."""
    body = item.body
    assert isinstance(body, PredictionBatch)
    gw = item.gateway_id
    lines = []
    for p in body.predictions:
        features = _NULL if p.features is None else _text(msgspec.json.encode(p.features).decode())
        fault = _NULL if p.fault is None else p.fault  # the contract's pattern leaves nothing to escape
        lines.append(
            f"{p.id.hex}\t{p.machine_id.hex}\t{pg_time(p.ts)}\t{p.failure_prob!r}"
            f"\t{'t' if p.is_anomaly else 'f'}"
            f"\t{p.anomaly_score!r}\t{_text(p.model_version)}\t{gw}\t{p.seq}\t{features}\t{fault}\n"
        )
    return "".join(lines)


def prepare(routed: Routed) -> Routed:
    """``routed`` with its COPY text made now: on the MQTT thread, while the writer waits on PostgreSQL."""
    if isinstance(routed, Accepted) and routed.copy_text is None:
        if isinstance(routed.body, TelemetryBatch):
            return replace(routed, copy_text=reading_text(routed))
        if isinstance(routed.body, PredictionBatch):
            return replace(routed, copy_text=prediction_text(routed))
    return routed


def _copy_text(items: Sequence[Accepted], make: Callable[[Accepted], str]) -> str:
    return "".join(make(i) if i.copy_text is None else i.copy_text for i in items)


def _write_readings(cursor: Any, items: Sequence[Accepted], stats: WriteStats) -> list[Rejected]:
    counts = [len(i.body.readings) for i in items if isinstance(i.body, TelemetryBatch)]
    total = sum(counts)
    where = span((i.gateway_id, i.body.readings) for i in items if isinstance(i.body, TelemetryBatch))
    inserted, found = _insert_once(
        cursor,
        table="sensor_data",
        columns=_READING_COLUMNS,
        stage="ingest_readings",
        stage_ddl=_STAGE_READINGS,
        insert=_INSERT_READINGS,
        text=_copy_text(items, reading_text),
        where=where,
    )
    stats.readings += inserted
    stats.readings_duplicate += total - inserted - len(found)
    stats.newest_event_ts = latest(stats.newest_event_ts, where.end)
    return conflict_letters(found, [i.message for i in items], counts)


def _write_predictions(cursor: Any, items: Sequence[Accepted], stats: WriteStats) -> list[Rejected]:
    counts = [len(i.body.predictions) for i in items if isinstance(i.body, PredictionBatch)]
    total = sum(counts)
    where = span((i.gateway_id, i.body.predictions) for i in items if isinstance(i.body, PredictionBatch))
    inserted, found = _insert_once(
        cursor,
        table="predictions",
        columns=_PREDICTION_COLUMNS,
        stage="ingest_predictions",
        stage_ddl=_STAGE_PREDICTIONS,
        insert=_INSERT_PREDICTIONS,
        text=_copy_text(items, prediction_text),
        where=where,
    )
    stats.predictions += inserted
    stats.predictions_duplicate += total - inserted - len(found)
    return conflict_letters(found, [i.message for i in items], counts)


def _status_order(item: Accepted) -> tuple[bool, datetime]:
    # Oldest first, and wills after every status: a will made at connect time must not come before the
    # online status of its own connection.
    assert isinstance(item.body, GatewayStatus)
    return (item.body.will, item.body.ts)


def _write_report(cursor: Any, item: Accepted, stats: WriteStats) -> None:
    """A deployment report into its rollout's targets; one naming no known rollout is counted, not stored."""
    assert isinstance(item.body, DeploymentReport)
    if store_report(cursor, item.body):
        stats.reports += 1
    else:
        stats.reports_unknown += 1


def write_batch(connection: Any, items: Sequence[Routed], owners: Ownership | None = None) -> WriteStats:
    """Write every routed message of one batch on ``connection`` (psycopg2) without committing.

    ``owners`` is the worker's ownership cache; without one, every binding is read from the database.
    """
    owners = owners or Ownership(ttl_s=0)
    stats = WriteStats()
    data = [
        i for i in items if isinstance(i, Accepted) and isinstance(i.body, TelemetryBatch | PredictionBatch)
    ]
    statuses = sorted(
        (i for i in items if isinstance(i, Accepted) and isinstance(i.body, GatewayStatus)), key=_status_order
    )
    reports = [i for i in items if isinstance(i, Accepted) and isinstance(i.body, DeploymentReport)]
    rejected = [i for i in items if isinstance(i, Rejected)]
    # Records refused for their event time travel beside the rows of their message that are stored.
    rejected += [i.out_of_window for i in items if isinstance(i, Accepted) and i.out_of_window is not None]
    with connection.cursor() as cursor:
        # Statuses first: they register machines, so data in the same batch needs no placeholder.
        for status in statuses:
            refused = write_status(cursor, status, stats, owners)
            if refused is not None:
                rejected.append(refused)
        for report in reports:
            _write_report(cursor, report, stats)
        checked = owners.check(cursor, data, stats) if data else []
        rejected += [i for i in checked if isinstance(i, Rejected)]
        readings = [i for i in checked if isinstance(i, Accepted) and isinstance(i.body, TelemetryBatch)]
        predictions = [i for i in checked if isinstance(i, Accepted) and isinstance(i.body, PredictionBatch)]
        if readings:
            rejected += _write_readings(cursor, readings, stats)
        if predictions:
            rejected += _write_predictions(cursor, predictions, stats)
        owners.count_refused(cursor)
        stats.dead_letters = insert_dead_letters(cursor, rejected)
        if readings or predictions:
            # Last, so the gateway rows stay locked only until the commit that follows.
            stats.late += record_clocks(cursor, readings + predictions)
    for r in rejected:
        stats.dead_letter_reasons[r.reason] = stats.dead_letter_reasons.get(r.reason, 0) + 1
    return stats


def _refused(item: Routed, exc: Exception) -> Rejected:
    """The dead letter of a message that could not be written; says why in one line."""
    if isinstance(item, Rejected):
        # Its own dead letter failed (only a bug could do that now): keep the bytes under a fixed reason.
        return Rejected(item.message, Reason.INGESTION_FAILED, f"{item.reason}: {item.detail}")
    text = str(exc).strip()
    head = text.splitlines()[0] if text else ""
    if isinstance(exc, psycopg2.Error):
        return Rejected(item.message, Reason.REJECTED_BY_DATABASE, head or type(exc).__name__)
    return Rejected(item.message, Reason.INGESTION_FAILED, f"{type(exc).__name__}: {head}")


def write_one_by_one(
    connection: Any, items: Sequence[Routed], error: Exception, owners: Ownership | None = None
) -> WriteStats:
    """Write a batch the database refused message by message; a message it still refuses is dead-lettered.

    Only for errors in the data (a value PostgreSQL rejects), never for a database that is down: the
    caller has rolled back and will commit what this writes.
    """
    logger.warning("batch of %d messages refused (%s); retrying one message at a time", len(items), error)
    stats = WriteStats()
    with connection.cursor() as cursor:
        cursor.execute(_STAGE_READINGS)
        cursor.execute(_STAGE_PREDICTIONS)
        for item in items:
            cursor.execute("SAVEPOINT ingest_one")
            try:
                stats.add(write_batch(connection, [item], owners))
                # Staging rows live until commit; the next message must not see this one's.
                cursor.execute("TRUNCATE ingest_readings, ingest_predictions")
            except (psycopg2.OperationalError, psycopg2.InterfaceError):
                raise
            except Exception as exc:
                # The message failed twice (in its batch, then alone): dead-letter it and let it be acked.
                cursor.execute("ROLLBACK TO SAVEPOINT ingest_one")
                if owners is not None:
                    owners.discard()
                stats.add(write_batch(connection, [_refused(item, exc)], owners))
            cursor.execute("RELEASE SAVEPOINT ingest_one")
    return stats
