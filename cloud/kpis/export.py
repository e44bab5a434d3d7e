"""CSV exports of tickets, readings and predictions, streamed from a server-side cursor.

The rows never sit in memory together: SQLAlchemy's ``stream_results`` opens a named (server-side)
psycopg2 cursor, rows arrive ``BATCH_ROWS`` at a time and leave as one CSV chunk each. The session is the
stream's own (the request's is gone once the response starts), closed when the stream ends or is dropped.
"""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Iterator
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from cloud.kpis.csvsafe import cell
from cloud.kpis.queries import Scope

# Rows per fetch and per chunk sent: large enough that a round trip is cheap, small enough to stay tiny.
BATCH_ROWS = 2000


class Dataset(enum.StrEnum):
    """What an export holds."""

    TICKETS = "tickets"
    READINGS = "readings"
    PREDICTIONS = "predictions"


# The longest range one request may export: readings and predictions arrive about once a second per
# machine (31 days of one machine is ~2.7 million rows), tickets are a few a day.
MAX_SPAN = {
    Dataset.TICKETS: timedelta(days=366),
    Dataset.READINGS: timedelta(days=31),
    Dataset.PREDICTIONS: timedelta(days=31),
}

# Column name -> SQL expression (aliases x: the exported table, m: machine, l: line, s: site).
_COLUMNS = {
    Dataset.TICKETS: {
        "id": "x.id::text",
        "created_at": "x.created_at",
        "resolved_at": "x.resolved_at",
        "machine_id": "x.machine_id::text",
        "machine": "m.name",
        "site": "s.name",
        "line": "l.name",
        "kind": "x.kind::text",
        "status": "x.status::text",
        "priority": "x.priority::text",
        "outcome": "x.outcome::text",
        "fault": "x.fault",
        "found_fault": "x.found_fault",
        "root_cause": "x.root_cause",
        "title": "x.title",
        "model_version": "x.reason ->> 'model_version'",
        "technician_id": "x.technician_id::text",
    },
    Dataset.READINGS: {
        "id": "x.id::text",
        "timestamp": "x.timestamp",
        "machine_id": "x.machine_id::text",
        "machine": "m.name",
        "temperature": "x.temperature",
        "vibration": "x.vibration",
        "rpm": "x.rpm",
        "gateway_id": "x.gateway_id",
        "seq": "x.seq",
        "ingested_at": "x.ingested_at",
    },
    Dataset.PREDICTIONS: {
        "id": "x.id::text",
        "timestamp": "x.timestamp",
        "machine_id": "x.machine_id::text",
        "machine": "m.name",
        "failure_prob": "x.failure_prob",
        "anomaly_score": "x.anomaly_score",
        "is_anomaly": "x.is_anomaly",
        "fault": "x.fault",
        "model_version": "x.model_version",
        "gateway_id": "x.gateway_id",
        "seq": "x.seq",
        "ingested_at": "x.ingested_at",
    },
}
_TABLE_AND_TIME = {
    Dataset.TICKETS: ("maintenance_tickets", "created_at"),
    Dataset.READINGS: ("sensor_data", "timestamp"),
    Dataset.PREDICTIONS: ("predictions", "timestamp"),
}


def columns(dataset: Dataset) -> list[str]:
    """The header of ``dataset``'s CSV."""
    return list(_COLUMNS[dataset])


def _query(dataset: Dataset, scope: Scope) -> str:
    table, time = _TABLE_AND_TIME[dataset]
    select = ", ".join(f"{expr} AS {name}" for name, expr in _COLUMNS[dataset].items())
    where, _ = scope.machine_filter()
    # Ordered by time (then id, for a stable order among equal times); the (machine, time) and time indexes
    # of these tables serve the range.
    return f"""
    SELECT {select}
    FROM {table} x
    JOIN machines m ON m.id = x.machine_id
    LEFT JOIN lines l ON l.id = m.line_id
    LEFT JOIN sites s ON s.id = l.site_id
    WHERE x.{time} >= :start AND x.{time} < :end{where}
    ORDER BY x.{time}, x.id
    """


def _chunk(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()


def stream_csv(*, sessions: sessionmaker[Session], dataset: Dataset, scope: Scope) -> Iterator[bytes]:
    """``dataset``'s rows in ``scope`` as CSV (RFC 4180, UTF-8, header first), one chunk per batch."""
    yield _chunk([columns(dataset)])
    with sessions() as db_session:
        connection = db_session.connection(execution_options={"stream_results": True})
        result = connection.execute(sa.text(_query(dataset, scope)), scope.params())
        for batch in result.partitions(BATCH_ROWS):
            yield _chunk([[cell(value) for value in row] for row in batch])
