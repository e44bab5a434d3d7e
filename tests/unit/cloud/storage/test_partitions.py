"""Partition names: one per table and UTC day; only the partitioned tables are accepted."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cloud.storage.errors import StorageError
from cloud.storage.partitions import day_start, partition_name

pytestmark = pytest.mark.unit


def test_a_partition_is_named_after_its_table_and_day() -> None:
    assert partition_name("sensor_data", date(2026, 1, 9)) == "sensor_data_p20260109"
    assert partition_name("predictions", date(2026, 12, 31)) == "predictions_p20261231"


def test_a_table_that_is_not_partitioned_is_refused_by_name() -> None:
    with pytest.raises(StorageError, match="machines"):
        partition_name("machines", date(2026, 1, 9))


def test_a_day_starts_at_utc_midnight() -> None:
    assert day_start(date(2026, 11, 26)) == datetime(2026, 11, 26, tzinfo=UTC)
