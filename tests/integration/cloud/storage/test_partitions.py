"""Day partitions: rows land in their day or in DEFAULT, maintenance adopts strays, retention drops days."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from cloud.config import Settings
from cloud.storage.maintenance import maintain, maintain_with
from cloud.storage.partitions import existing_days, partition_name

pytestmark = pytest.mark.integration

TODAY = date(2026, 11, 26)


@pytest.fixture
def db(database_url: str) -> Iterator[sa.Engine]:
    """An engine on the test database with one gateway and machine."""
    engine = sa.create_engine(database_url)
    yield engine
    engine.dispose()


def _machine(db: sa.Engine) -> uuid.UUID:
    machine = uuid.uuid4()
    with db.begin() as conn:
        conn.execute(sa.text("INSERT INTO gateways (id) VALUES ('gw-01') ON CONFLICT DO NOTHING"))
        conn.execute(
            sa.text("INSERT INTO machines (id, name, type, gateway_id) VALUES (:m, 'm', 'pump', 'gw-01')"),
            {"m": machine},
        )
    return machine


def _insert(db: sa.Engine, machine: uuid.UUID, stamps: list[datetime]) -> None:
    with db.begin() as conn:
        conn.execute(
            sa.text(
                'INSERT INTO sensor_data (id, machine_id, "timestamp", temperature, gateway_id, seq) '
                "VALUES (gen_random_uuid(), :m, :ts, 1.0, 'gw-01', :seq)"
            ),
            [{"m": machine, "ts": ts, "seq": i} for i, ts in enumerate(stamps)],
        )


def _where(db: sa.Engine) -> dict[str, int]:
    with db.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT tableoid::regclass::text, count(*) FROM sensor_data GROUP BY 1")
        ).all()
    return {name: count for name, count in rows}


def test_a_reading_far_in_the_past_or_future_is_stored_in_the_default_partition(db: sa.Engine) -> None:
    machine = _machine(db)
    _insert(db, machine, [datetime(1999, 1, 1, tzinfo=UTC), datetime(2099, 1, 1, tzinfo=UTC)])
    assert _where(db) == {"partitions.sensor_data_default": 2}


def test_maintenance_creates_days_ahead_and_moves_default_rows_into_their_own_day(db: sa.Engine) -> None:
    machine = _machine(db)
    stray = datetime(2026, 6, 1, 12, tzinfo=UTC)
    _insert(db, machine, [stray, stray + timedelta(hours=1)])
    report = maintain(db, days_ahead=2, retention_days=None, rollup_1m_retention_days=None, today=TODAY)
    with db.connect() as conn:
        days = existing_days(conn, "sensor_data")
    assert {TODAY + timedelta(days=d) for d in range(-1, 3)} <= set(days)
    assert date(2026, 6, 1) in days
    assert report.moved_rows == 2
    assert _where(db) == {f"partitions.{partition_name('sensor_data', date(2026, 6, 1))}": 2}
    again = maintain(db, days_ahead=2, retention_days=None, rollup_1m_retention_days=None, today=TODAY)
    assert again.created == [] and again.moved_rows == 0


def test_rows_of_a_day_go_to_its_partition_once_it_exists(db: sa.Engine) -> None:
    maintain(db, days_ahead=1, retention_days=None, rollup_1m_retention_days=None, today=TODAY)
    machine = _machine(db)
    _insert(db, machine, [datetime(2026, 11, 27, 23, 59, 59, tzinfo=UTC)])
    assert _where(db) == {"partitions.sensor_data_p20261127": 1}


def test_retention_drops_old_days_and_old_default_rows_but_keeps_hourly_rollups(db: sa.Engine) -> None:
    machine = _machine(db)
    old_day = TODAY - timedelta(days=10)
    maintain(db, days_ahead=1, retention_days=None, rollup_1m_retention_days=None, today=old_day)
    old = datetime(old_day.year, old_day.month, old_day.day, 8, tzinfo=UTC)
    _insert(
        db,
        machine,
        [old, datetime(2000, 1, 1, tzinfo=UTC), datetime.combine(TODAY, datetime.min.time(), UTC)],
    )
    settings = Settings(storage_retention_days=7, storage_rollup_1m_retention_days=7, storage_days_ahead=1)
    report = maintain_with(settings, db, today=TODAY)
    assert partition_name("sensor_data", old_day) in report.dropped
    assert partition_name("predictions", old_day) in report.dropped
    assert report.default_rows_deleted == 1
    with db.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM sensor_data")).scalar() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM sensor_rollup_1m")).scalar() == 1
        assert conn.execute(sa.text("SELECT sum(n) FROM sensor_rollup_1h")).scalar() == 3


def test_the_storage_command_runs_one_maintenance_pass_from_settings(
    database_url: str, db: sa.Engine
) -> None:
    import threading

    from cloud.storage.maintenance import run_maintenance

    run_maintenance(Settings(database_url=database_url, storage_days_ahead=5), threading.Event(), once=True)
    with db.connect() as conn:
        days = existing_days(conn, "predictions")
    today = datetime.now(UTC).date()
    assert {today + timedelta(days=d) for d in range(6)} <= set(days)
