"""Reading the 1-minute and 1-hour reading roll-ups: how many readings a range holds, and chart series.

The roll-up tables hold, per machine and bucket, the count, sum, min and max of each signal (kept by the
``sensor_data_rollup`` trigger, see migration 0003). Coarser buckets are merged from them exactly: the
average of a merged bucket is the sum of sums over the sum of counts.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.timerange import TimeRange

SIGNALS = ("temperature", "vibration", "rpm")
# The origin every roll-up bucket is binned from (the trigger uses the same one).
EPOCH = datetime.fromisoformat("2000-01-01T00:00:00+00:00")


@dataclass(frozen=True, slots=True)
class Tier:
    """One roll-up resolution: its table and bucket width."""

    table: str
    width: timedelta


MINUTE = Tier("sensor_rollup_1m", timedelta(minutes=1))
HOUR = Tier("sensor_rollup_1h", timedelta(hours=1))
TIERS = (MINUTE, HOUR)
# Up to this span the minute roll-up counts a range's readings cheaply (at most 1,440 rows read).
_COUNT_BY_MINUTE_UP_TO = timedelta(days=1)


def floor_to(ts: datetime, width: timedelta) -> datetime:
    """The start of the bucket of ``width`` (binned from EPOCH) that holds ``ts``."""
    return EPOCH + ((ts - EPOCH) // width) * width


def estimate_rows(*, db_session: Session, machine_id: uuid.UUID, window: TimeRange) -> int:
    """Readings of the machine in the buckets overlapping ``window`` (an upper bound of the exact count)."""
    tier = MINUTE if window.span <= _COUNT_BY_MINUTE_UP_TO else HOUR
    query = sa.text(
        f"SELECT coalesce(sum(n), 0) FROM {tier.table} "
        "WHERE machine_id = :machine_id AND bucket >= :first AND bucket < :end"
    )
    first = floor_to(window.start, tier.width)
    params = {"machine_id": machine_id, "first": first, "end": window.end}
    return int(db_session.execute(query, params).scalar_one())


def pick_tier(span: timedelta, read_limit: int) -> Tier:
    """The finest roll-up that covers ``span`` in at most ``read_limit`` buckets (else the coarsest)."""
    for tier in TIERS:
        if span / tier.width <= read_limit:
            return tier
    return TIERS[-1]


def merged_width(tier: Tier, span: timedelta, max_points: int) -> timedelta:
    """The smallest multiple of the tier's width that splits ``span`` into at most ``max_points`` buckets."""
    return tier.width * max(1, math.ceil(span / tier.width / max_points))


def series(
    *, db_session: Session, tier: Tier, machine_id: uuid.UUID, window: TimeRange, max_points: int
) -> list[dict[str, Any]]:
    """The machine's average signals per bucket from ``tier``, at most ``max_points`` buckets, oldest first.

    Buckets are whole roll-up buckets; a point's ``ts`` is its bucket's start (never before the window).
    """
    width = merged_width(tier, window.span, max_points)
    first = floor_to(window.start, tier.width)
    averages = ", ".join(f"sum({s}_sum) / nullif(sum({s}_count), 0) AS {s}" for s in SIGNALS)
    query = sa.text(
        f"SELECT greatest(date_bin(:width, bucket, :origin), :start) AS ts, {averages} "
        f"FROM {tier.table} WHERE machine_id = :machine_id AND bucket >= :first AND bucket < :end "
        "GROUP BY 1 ORDER BY 1"
    )
    params = {
        "width": width,
        "origin": first,
        "start": window.start,
        "machine_id": machine_id,
        "first": first,
        "end": window.end,
    }
    return [dict(row) for row in db_session.execute(query, params).mappings()]
