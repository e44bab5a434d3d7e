"""Bucket sizing for charts: never more buckets than points allowed."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from cloud.timeseries import MAX_POINTS, bucket_width

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "span",
    [
        timedelta(seconds=1),
        timedelta(minutes=59, seconds=59),
        timedelta(hours=1),
        timedelta(days=7, seconds=3),
    ],
)
def test_buckets_never_exceed_the_point_budget(span: timedelta) -> None:
    width = bucket_width(span, MAX_POINTS)
    assert math.ceil(span / width) <= MAX_POINTS
    assert width >= timedelta(milliseconds=1)


def test_an_hour_is_cut_into_buckets_of_1800_ms() -> None:
    assert bucket_width(timedelta(hours=1), 2000) == timedelta(milliseconds=1800)
