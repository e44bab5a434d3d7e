"""The readings service picks raw rows, bucketed raw rows or roll-ups by range, never over 2,000 points."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from cloud.storage.partitions import ensure_partitions
from cloud.telemetry import service
from cloud.timerange import TimeRange
from contract.payloads import new_id

pytestmark = pytest.mark.integration

END = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    """An engine on the test database."""
    e = sa.create_engine(database_url)
    yield e
    e.dispose()


@pytest.fixture
def machine(engine: sa.Engine) -> uuid.UUID:
    """A machine with 10 days of readings every 10 s; temperature = 20 + the hour of day (UTC)."""
    machine_id = new_id()
    ensure_partitions(engine, (END - timedelta(days=10)).date(), END.date())
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO machines (id, name, type) VALUES (:m, 'press', 'press')"), {"m": machine_id}
        )
        conn.execute(
            sa.text(
                'INSERT INTO sensor_data (id, machine_id, "timestamp", temperature, vibration, rpm, '
                "gateway_id, seq) SELECT gen_random_uuid(), :m, t, "
                "20 + extract(hour FROM t AT TIME ZONE 'UTC'), 1.5, 1500, 'gw', 0 "
                "FROM generate_series(:a, :b, interval '10 seconds') AS t"
            ),
            {"m": machine_id, "a": END - timedelta(days=10), "b": END - timedelta(seconds=10)},
        )
    return machine_id


def _points(engine: sa.Engine, machine: uuid.UUID, span: timedelta) -> list[dict[str, object]]:
    with sessionmaker(engine)() as session:
        assert isinstance(session, Session)
        series = service.readings(db_session=session, machine_id=machine, window=TimeRange(END - span, END))
    return [p.model_dump() for p in series.points]


def test_a_short_range_returns_every_raw_reading(engine: sa.Engine, machine: uuid.UUID) -> None:
    points = _points(engine, machine, timedelta(hours=1))
    assert len(points) == 360
    assert points[0]["ts"] == END - timedelta(hours=1) and points[-1]["ts"] == END - timedelta(seconds=10)


def test_a_day_is_bucketed_from_raw_rows_within_the_point_cap(engine: sa.Engine, machine: uuid.UUID) -> None:
    points = _points(engine, machine, timedelta(days=1))
    assert 1000 < len(points) <= 2000
    assert points[0]["temperature"] == 20.0 and points[-1]["temperature"] == 43.0


def test_ten_days_come_from_the_minute_rollups_with_exact_hourly_averages(
    engine: sa.Engine, machine: uuid.UUID
) -> None:
    points = _points(engine, machine, timedelta(days=10))
    assert 1000 < len(points) <= 2000  # 8-minute buckets merged from 1-minute roll-ups
    start = END - timedelta(days=10)
    assert all((p["ts"] - start) % timedelta(minutes=8) == timedelta(0) for p in points)  # type: ignore[operator]
    width = timedelta(minutes=8)
    for p in points:
        ts: datetime = p["ts"]  # type: ignore[assignment]
        samples = [20.0 + (ts + timedelta(seconds=s)).hour for s in range(0, 480, 10)]
        assert p["temperature"] == pytest.approx(sum(samples) / len(samples)), ts
    assert points[-1]["ts"] == END - width
    assert all(p["rpm"] == 1500.0 and p["vibration"] == 1.5 for p in points)


def test_a_year_comes_from_the_hourly_rollups(engine: sa.Engine, machine: uuid.UUID) -> None:
    points = _points(engine, machine, timedelta(days=365))
    # 240 hours of data, one point per 5-hour bucket (span / 2000 points, rounded up to whole hours).
    assert 40 <= len(points) <= 49
    assert all(20.0 <= p["temperature"] <= 43.0 for p in points)  # type: ignore[operator]
