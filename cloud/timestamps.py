"""Reading timestamps Python cannot hold: PostgreSQL stores years up to 294276 and BC, ``datetime`` 1..9999.

psycopg2 already reads ``infinity`` as ``datetime.max`` and ``-infinity`` as ``datetime.min``; any other time
beyond Python's range (a row written before ingestion checked event times, or by hand) raised ValueError
and turned every API that read it into a 500 and stopped the jobs that touched it. Registered on each
connection ``cloud.db.make_engine`` opens, the casters here read such a time as the nearest bound, the way
psycopg2 reads the infinities, so the row can still be shown, counted and deleted.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg2.extensions

# PostgreSQL's type oids for timestamp and timestamptz.
_TIMESTAMP_OID = 1114
_TIMESTAMPTZ_OID = 1184


def _bounded(default: Any, *, aware: bool) -> Any:
    low, high = datetime.min, datetime.max
    if aware:
        low, high = low.replace(tzinfo=UTC), high.replace(tzinfo=UTC)

    def cast(value: str | None, cursor: Any) -> datetime | None:
        try:
            result: datetime | None = default(value, cursor)
        except ValueError:
            # "10000-01-01 00:59:59+00" or "0001-12-31 23:00:00+00 BC": which side is in the text.
            assert value is not None
            return low if value.rstrip().endswith("BC") else high
        return result

    return cast


_CASTERS = (
    psycopg2.extensions.new_type(
        (_TIMESTAMPTZ_OID,),
        "TIMESTAMPTZ_BOUNDED",
        _bounded(psycopg2.extensions.PYDATETIMETZ, aware=True),
    ),
    psycopg2.extensions.new_type(
        (_TIMESTAMP_OID,), "TIMESTAMP_BOUNDED", _bounded(psycopg2.extensions.PYDATETIME, aware=False)
    ),
)


def register_bounded_timestamps(connection: Any) -> None:
    """Make ``connection`` (psycopg2) read out-of-range timestamps as ``datetime.min``/``max``."""
    for caster in _CASTERS:
        psycopg2.extensions.register_type(caster, connection)
