"""Reading one machine's time series for a chart: a time range, at most a fixed number of points.

"One machine, a time range" is served by the (machine_id, timestamp) index. When the range holds more rows
than the chart can use, rows are averaged into equal time buckets with PostgreSQL's ``date_bin``, so the
database, not Python, does the thinning.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.timerange import TimeRange

# A chart is at most a couple of thousand pixels wide; more points cost bandwidth and show nothing more.
MAX_POINTS = 2000


def bucket_width(span: timedelta, max_points: int) -> timedelta:
    """The smallest whole-millisecond bucket that splits ``span`` into at most ``max_points`` buckets."""
    ms = math.ceil(span / timedelta(milliseconds=1) / max_points)
    return timedelta(milliseconds=max(ms, 1))


def series(
    *,
    db_session: Session,
    table: sa.Table,
    machine_id: uuid.UUID,
    window: TimeRange,
    columns: Sequence[str],
    aggregates: dict[str, Any],
    max_points: int = MAX_POINTS,
) -> list[dict[str, Any]]:
    """Rows of ``table`` for one machine in ``window``, oldest first, as dicts with ``ts`` and ``columns``.

    ``aggregates`` maps each column to the SQL aggregate used when the rows must be bucketed.
    """
    in_range = sa.and_(
        table.c.machine_id == machine_id,
        table.c.timestamp >= window.start,
        table.c.timestamp < window.end,
    )
    # Counting stops past max_points: a long range costs an index walk of max_points rows, not all of them.
    capped = sa.select(sa.literal(1)).select_from(table).where(in_range).limit(max_points + 1).subquery()
    count = db_session.execute(sa.select(sa.func.count()).select_from(capped)).scalar_one()
    if count <= max_points:
        raw = sa.select(table.c.timestamp.label("ts"), *(table.c[c] for c in columns)).where(in_range)
        rows = db_session.execute(raw.order_by(table.c.timestamp)).mappings()
        return [dict(row) for row in rows]
    width = bucket_width(window.span, max_points)
    bucket = sa.func.date_bin(width, table.c.timestamp, window.start).label("ts")
    bucketed = (
        sa.select(bucket, *(aggregates[c](table.c[c]).label(c) for c in columns))
        .where(in_range)
        .group_by(bucket)
        .order_by(bucket)
    )
    return [dict(row) for row in db_session.execute(bucketed).mappings()]
