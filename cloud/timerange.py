"""Time handling shared by the API: UTC-normalised datetimes and the ``start``/``end`` query range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Query
from pydantic import AfterValidator

from cloud.errors import InvalidRequestError

DEFAULT_SPAN = timedelta(hours=1)
# The event times a range may name: stored data lies between the epoch and a little past now (ingestion
# checks event times), and these bounds keep every date computation on a range far from Python's limits.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
ALLOWED = f"{EARLIEST.isoformat().replace('+00:00', 'Z')} to {LATEST.isoformat().replace('+00:00', 'Z')}"


def to_utc(value: datetime) -> datetime:
    """``value`` in UTC; a naive time is taken to be UTC already (invariant 7).

    Raises ValueError (a 422 in a request) for a time UTC cannot represent, e.g. 9999-12-31T23:59:59-01:00.
    """
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError(f"{value.isoformat()} is not representable in UTC (years 1 to 9999)") from exc


def _bounded(value: datetime, name: str) -> datetime:
    """``value`` in UTC when it lies in the range the API serves; InvalidRequestError (422) otherwise."""
    try:
        utc = to_utc(value)
    except ValueError:
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise InvalidRequestError(
            f"{name} {value.isoformat()} is outside the range the API serves: {ALLOWED}", ("query", name)
        )
    return utc


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
    start: Annotated[datetime | None, Query(description=f"RFC 3339, {ALLOWED}; default end - 1 hour")] = None,
    end: Annotated[datetime | None, Query(description=f"RFC 3339, {ALLOWED}; default now")] = None,
) -> TimeRange:
    """The requested range with its defaults; refuses a range outside ``ALLOWED`` or not moving forward."""
    return bounded_range(start, end, default_span=DEFAULT_SPAN)


def bounded_range(
    start: datetime | None,
    end: datetime | None,
    *,
    default_span: timedelta,
    max_span: timedelta | None = None,
) -> TimeRange:
    """[start, end) in UTC, end defaulting to now and start to ``end - default_span``.

    InvalidRequestError (422) names the parameter at fault: outside ``ALLOWED``, not moving forward, or
    longer than ``max_span`` (endpoints whose cost grows with the span, such as exports, set one).
    """
    end_utc = _bounded(end, "end") if end is not None else datetime.now(UTC)
    start_utc = _bounded(start, "start") if start is not None else end_utc - default_span
    if start_utc >= end_utc:
        raise InvalidRequestError(
            f"start ({start_utc.isoformat()}) must be before end ({end_utc.isoformat()})",
            ("query", "start"),
        )
    if max_span is not None and end_utc - start_utc > max_span:
        raise InvalidRequestError(
            f"the range from {start_utc.isoformat()} to {end_utc.isoformat()} is longer than the "
            f"{max_span.days} days this endpoint serves at once",
            ("query", "start"),
        )
    return TimeRange(start_utc, end_utc)


TimeRangeDep = Annotated[TimeRange, Depends(time_range)]
