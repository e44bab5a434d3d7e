"""Meters counted from stored readings, incrementally: running hours, starts and counters.

Pure functions over (time, value) pairs so the scheduler can feed them a page of readings at a time from a
cursor and get the same total as one pass over everything (the property the tests check). ``Cursor`` is the
last reading counted; the interval from it to the next reading is counted with that next page.

Gaps: an interval longer than ``max_gap`` between two readings is not counted as running time (nobody
knows whether the machine ran while its gateway was silent), but a start across it still counts when the
machine was stopped before and runs after, and a counter's increase across it counts in full (the counter
kept counting on the machine).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from cloud.pm.schemas import CounterRule, MeterRule, RunningHoursRule, StartsRule

SECONDS_PER_HOUR = 3600.0
# Readings arrive every second or so; an interval longer than this is a gap of unknown state.
DEFAULT_MAX_GAP = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Cursor:
    """The last reading counted (its time and value)."""

    at: datetime
    value: float


def advance(
    rule: MeterRule,
    cursor: Cursor | None,
    readings: Iterable[tuple[datetime, float | None]],
    max_gap: timedelta = DEFAULT_MAX_GAP,
) -> tuple[float, Cursor | None]:
    """The meter's increase over ``readings`` (time-ordered, after ``cursor``) and the new cursor.

    Missing and non-finite values are skipped: they say nothing about the machine.
    """
    total = 0.0
    for at, value in readings:
        if value is None or not math.isfinite(value):
            continue
        if cursor is not None and at > cursor.at:
            total += _step(rule, cursor, at, value, max_gap)
        if cursor is None or at > cursor.at:
            cursor = Cursor(at, value)
    return total, cursor


def _step(rule: MeterRule, previous: Cursor, at: datetime, value: float, max_gap: timedelta) -> float:
    if isinstance(rule, RunningHoursRule):
        gap = at - previous.at
        if gap > max_gap or previous.value <= rule.threshold:
            return 0.0
        return gap.total_seconds() / SECONDS_PER_HOUR
    if isinstance(rule, StartsRule):
        return 1.0 if previous.value <= rule.threshold < value else 0.0
    assert isinstance(rule, CounterRule)
    # A drop means the counter was reset (or wrapped): it has counted ``value`` since (a negative reading is
    # no count at all, so a meter never runs backwards).
    return value - previous.value if value >= previous.value else max(value, 0.0)
