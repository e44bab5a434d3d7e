"""Time handling shared by the API: UTC-normalised datetimes and the ``start``/``end`` query range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Query
from pydantic import AfterValidator

from cloud.errors import InvalidRequestError

DEFAULT_SPAN = timedelta(hours=1)


def to_utc(value: datetime) -> datetime:
    """``value`` in UTC; a naive time is taken to be UTC already (invariant 7)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(to_utc)]
"""A datetime that serialises as RFC 3339 UTC ("...Z") whatever the database session's time zone."""


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A half-open range [start, end) of event time."""

    start: datetime
    end: datetime

    @property
    def span(self) -> timedelta:
        """How long the range is."""
        return self.end - self.start


def time_range(
    start: Annotated[datetime | None, Query(description="RFC 3339; default end - 1 hour")] = None,
    end: Annotated[datetime | None, Query(description="RFC 3339; default now")] = None,
) -> TimeRange:
    """The requested range with its defaults; refuses a range that does not move forward."""
    end_utc = to_utc(end) if end is not None else datetime.now(UTC)
    start_utc = to_utc(start) if start is not None else end_utc - DEFAULT_SPAN
    if start_utc >= end_utc:
        raise InvalidRequestError(
            f"start ({start_utc.isoformat()}) must be before end ({end_utc.isoformat()})",
            ("query", "start"),
        )
    return TimeRange(start_utc, end_utc)


TimeRangeDep = Annotated[TimeRange, Depends(time_range)]
