"""Pure arithmetic of roll-up reads: bucket starts, which tier, how wide a merged bucket is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cloud.storage.rollups import HOUR, MINUTE, floor_to, merged_width, pick_tier

pytestmark = pytest.mark.unit


def test_a_time_floors_to_the_start_of_its_utc_bucket() -> None:
    ts = datetime(2026, 11, 26, 10, 37, 42, 500_000, tzinfo=UTC)
    assert floor_to(ts, MINUTE.width) == datetime(2026, 11, 26, 10, 37, tzinfo=UTC)
    assert floor_to(ts, HOUR.width) == datetime(2026, 11, 26, 10, tzinfo=UTC)
    assert floor_to(datetime(2026, 11, 26, 10, tzinfo=UTC), HOUR.width) == datetime(
        2026, 11, 26, 10, tzinfo=UTC
    )


def test_the_finest_tier_within_the_read_limit_is_picked() -> None:
    assert pick_tier(timedelta(days=7), read_limit=40_000) is MINUTE
    assert pick_tier(timedelta(days=30), read_limit=40_000) is HOUR
    assert pick_tier(timedelta(days=20_000), read_limit=40_000) is HOUR


@pytest.mark.parametrize(
    ("span", "tier", "expected"),
    [
        (timedelta(days=10), MINUTE, timedelta(minutes=8)),  # 14,400 minutes / 2,000 -> 7.2 -> 8
        (timedelta(hours=30), MINUTE, timedelta(minutes=1)),  # 1,800 buckets fit as they are
        (timedelta(days=365), HOUR, timedelta(hours=5)),  # 8,760 hours / 2,000 -> 4.38 -> 5
    ],
)
def test_merged_buckets_are_whole_tier_buckets_and_never_exceed_the_point_cap(
    span: timedelta, tier: object, expected: timedelta
) -> None:
    width = merged_width(tier, span, 2000)  # type: ignore[arg-type]
    assert width == expected
    assert span / width <= 2000
