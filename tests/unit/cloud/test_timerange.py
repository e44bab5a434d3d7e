"""The ``start``/``end`` query range: defaults, UTC normalisation and refusal of empty ranges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from cloud.errors import InvalidRequestError
from cloud.timerange import TimeRange, time_range, to_utc

pytestmark = pytest.mark.unit

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_defaults_are_the_last_hour_up_to_now() -> None:
    before = datetime.now(UTC)
    window = time_range(None, None)
    assert before <= window.end <= datetime.now(UTC)
    assert window.span == timedelta(hours=1)


def test_start_defaults_to_an_hour_before_an_explicit_end() -> None:
    assert time_range(None, T0) == TimeRange(T0 - timedelta(hours=1), T0)


def test_offsets_are_converted_to_utc_and_naive_times_are_taken_as_utc() -> None:
    paris = timezone(timedelta(hours=1))
    window = time_range(datetime(2026, 11, 26, 13, 0, tzinfo=paris), datetime(2026, 11, 26, 12, 30))
    assert window == TimeRange(T0, T0 + timedelta(minutes=30))
    assert window.start.tzinfo is UTC and window.end.tzinfo is UTC


@pytest.mark.parametrize("end", [T0, T0 - timedelta(seconds=1)])
def test_a_range_that_does_not_move_forward_is_refused_naming_start(end: datetime) -> None:
    with pytest.raises(InvalidRequestError, match="must be before end") as caught:
        time_range(T0, end)
    assert caught.value.loc == ("query", "start")


def test_to_utc_keeps_the_instant() -> None:
    local = datetime(2026, 11, 26, 7, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert to_utc(local) == T0 and to_utc(local).utcoffset() == timedelta(0)
