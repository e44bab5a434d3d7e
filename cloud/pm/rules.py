"""When preventive work is due: calendar rules from the baseline, meter rules from the meter's rate, and how
far a rising failure risk pulls the date forward. Pure date arithmetic, no database."""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

from cloud.pm.schemas import EveryRule, MeterRule, MonthDayRule

# A meter that has not moved for this long since its baseline cannot be extrapolated to a due date.
MIN_RATE_SPAN = timedelta(hours=1)
# Furthest ahead an extrapolated meter date is given (a meter crawling towards a huge interval).
MAX_HORIZON = timedelta(days=3660)


def calendar_due(rule: EveryRule | MonthDayRule, baseline: datetime) -> datetime:
    """The first due date after ``baseline``."""
    if isinstance(rule, EveryRule):
        return baseline + timedelta(days=rule.every * (7 if rule.unit == "weeks" else 1))
    year, month = baseline.year, baseline.month
    candidate = _month_day(year, month, rule.day, baseline)
    if candidate <= baseline:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        candidate = _month_day(year, month, rule.day, baseline)
    return candidate


def _month_day(year: int, month: int, day: int, like: datetime) -> datetime:
    last = calendar.monthrange(year, month)[1]
    return like.replace(year=year, month=month, day=min(day, last), hour=0, minute=0, second=0, microsecond=0)


def meter_due(
    rule: MeterRule, used: float, baseline: datetime, counted_until: datetime | None
) -> datetime | None:
    """When the meter reaches ``rule.every`` since the baseline, at its average rate so far.

    ``used``: the meter's increase since the baseline, counted up to ``counted_until``. Already reached:
    the time counting reached it (``counted_until``). None while the rate is unknown (no use yet).
    """
    if counted_until is None:
        return None
    if used >= rule.every:
        return counted_until
    span = counted_until - baseline
    if used <= 0 or span < MIN_RATE_SPAN:
        return None
    remaining = span * ((rule.every - used) / used)
    return counted_until + min(remaining, MAX_HORIZON)


def pulled_forward(due: datetime, now: datetime, max_days: float) -> datetime:
    """The due date a rising risk moves to: ``max_days`` earlier, but not into the past."""
    return max(due - timedelta(days=max_days), min(due, now))


def open_at(due: datetime, lead_days: float) -> datetime:
    """When the work order for ``due`` opens."""
    return due - timedelta(days=lead_days)
