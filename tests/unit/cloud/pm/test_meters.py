"""Meters counted page by page from a cursor give the same totals as one pass, and handle gaps and resets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cloud.pm.meters import advance
from cloud.pm.schemas import CounterRule, MeterRule, RunningHoursRule, StartsRule

pytestmark = pytest.mark.unit

T0 = datetime(2026, 12, 1, tzinfo=UTC)
RULES: list[MeterRule] = [
    RunningHoursRule(every=100, threshold=100.0),
    StartsRule(every=10, threshold=100.0),
    CounterRule(every=1000, signal="vibration"),
]


def _series(steps: list[tuple[int, float | None]]) -> list[tuple[datetime, float | None]]:
    at, out = T0, []
    for seconds, value in steps:
        at += timedelta(seconds=seconds)
        out.append((at, value))
    return out


values = st.one_of(
    st.none(), st.floats(allow_nan=True, allow_infinity=True), st.floats(min_value=0, max_value=3000)
)


@given(
    rule=st.sampled_from(RULES),
    steps=st.lists(st.tuples(st.integers(1, 900), values), max_size=60),
    cuts=st.lists(st.integers(0, 60), max_size=5),
)
def test_counting_in_pages_from_the_cursor_equals_one_pass(
    rule: MeterRule, steps: list[tuple[int, float | None]], cuts: list[int]
) -> None:
    readings = _series(steps)
    whole, whole_cursor = advance(rule, None, readings)
    total, cursor, start = 0.0, None, 0
    for cut in [*sorted(c for c in cuts if c <= len(readings)), len(readings)]:
        increase, cursor = advance(rule, cursor, readings[start:cut])
        total += increase
        start = max(start, cut)
    assert total == pytest.approx(whole)
    assert cursor == whole_cursor
    assert total >= 0


def test_running_hours_count_time_above_the_threshold_and_not_across_a_gap() -> None:
    rule = RunningHoursRule(every=100, threshold=100.0)
    # One reading a minute: running 60 minutes, stopped 30, then a 2-hour silence, then running 30 minutes.
    readings = _series([(60, 1500.0)] * 61 + [(60, 0.0)] * 30 + [(7200, 1500.0)] + [(60, 1500.0)] * 30)
    hours, _ = advance(rule, None, readings)
    # 60 running intervals + the interval into the first stopped reading (state of the one before) + 30.
    assert hours == pytest.approx((60 + 1 + 30) / 60)


def test_a_start_counts_across_a_gap_and_a_counter_keeps_its_increase_across_a_reset() -> None:
    starts, _ = advance(
        StartsRule(every=10, threshold=100.0), None, _series([(1, 0.0), (9000, 1500.0), (1, 0.0)])
    )
    assert starts == 1
    counted, _ = advance(
        CounterRule(every=10, signal="rpm"), None, _series([(1, 10), (1, 15), (1, 3), (600, 8)])
    )
    # +5, then a reset to 0 that has counted 3 since, then +5.
    assert counted == 13
