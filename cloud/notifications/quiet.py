"""Quiet hours: when a non-CRITICAL message may go out, in the rule's own time zone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


def release_time(now: datetime, start: time | None, end: time | None, tz: str) -> datetime:
    """``now`` when outside quiet hours, else the end of the quiet period (UTC).

    The period is [start, end) in local wall time and may span midnight (22:00-06:00); start == end
    means no quiet hours. A wall time that a DST jump skips resolves the way ``zoneinfo`` folds it.
    """
    if start is None or end is None or start == end:
        return now
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    wall = local.time().replace(tzinfo=None)
    if start < end:
        quiet = start <= wall < end
        end_day = local.date()
    else:  # spans midnight
        quiet = wall >= start or wall < end
        end_day = local.date() + timedelta(days=1) if wall >= start else local.date()
    if not quiet:
        return now
    return datetime.combine(end_day, end, tzinfo=zone).astimezone(UTC)
