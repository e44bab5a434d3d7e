"""Roll-ups follow inserts exactly: duplicates are counted once, averages merge exactly, NULLs are skipped."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from cloud.ingestion.messages import Inbound
from cloud.ingestion.routing import route
from cloud.ingestion.writer import write_batch
from contract.codec import encode
from contract.payloads import Reading, TelemetryBatch, new_id
from contract.topics import Kind, gateway_topic

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
GW = "gw-01"


@pytest.fixture
def db(database_url: str) -> Iterator[sa.Engine]:
    """An engine on the test database."""
    engine = sa.create_engine(database_url)
    yield engine
    engine.dispose()


def _write(db: sa.Engine, rows: list[Reading]) -> None:
    payload = encode(TelemetryBatch(gateway_id=GW, sent_at=T0, readings=rows))
    raw = db.raw_connection()
    try:
        write_batch(
            raw.driver_connection, [route(Inbound(gateway_topic(GW, Kind.TELEMETRY), payload, 1, 1, 1))]
        )
        raw.commit()
    finally:
        raw.close()


def _rollup(db: sa.Engine, table: str) -> list[dict[str, Any]]:
    with db.connect() as conn:
        return [dict(r) for r in conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY bucket")).mappings()]


def _reading(machine: uuid.UUID, seconds: int, temperature: float, seq: int = 0) -> Reading:
    return Reading(
        id=new_id(),
        seq=seq,
        machine_id=machine,
        ts=T0 + timedelta(seconds=seconds),
        temperature=temperature,
        vibration=1.0,
        rpm=1000.0 + seconds,
    )


def test_a_batch_written_twice_is_rolled_up_once(db: sa.Engine) -> None:
    machine = new_id()
    batch = [_reading(machine, s, 10.0 + s, seq=s) for s in range(0, 120, 10)]
    _write(db, batch)
    _write(db, batch[3:] + batch[:3])  # the same rows again, reordered: all duplicates
    _write(db, [*batch[:2], _reading(machine, 5, 99.0)])  # two duplicates and one new reading
    minutes = _rollup(db, "sensor_rollup_1m")
    assert [m["n"] for m in minutes] == [7, 6]
    assert minutes[0]["temperature_sum"] == sum(10.0 + s for s in range(0, 60, 10)) + 99.0
    assert minutes[0]["temperature_max"] == 99.0 and minutes[0]["temperature_min"] == 10.0
    (hour,) = _rollup(db, "sensor_rollup_1h")
    assert hour["n"] == 13 and hour["bucket"] == T0
    assert hour["rpm_sum"] == sum(1000.0 + s for s in range(0, 120, 10)) + 1005.0


def test_missing_signals_are_left_out_of_their_average_not_counted_as_zero(db: sa.Engine) -> None:
    machine = new_id()
    _write(db, [_reading(machine, 0, 10.0)])  # registers the machine (placeholder)
    with db.begin() as conn:
        conn.execute(
            sa.text(
                'INSERT INTO sensor_data (id, machine_id, "timestamp", temperature, vibration, '
                "gateway_id, seq) VALUES (gen_random_uuid(), :m, :ts, NULL, 2.0, :g, 1), "
                "(gen_random_uuid(), :m, :ts, 30.0, 2.0, :g, 2)"
            ),
            {"m": machine, "ts": T0 + timedelta(seconds=1), "g": GW},
        )
    (minute,) = _rollup(db, "sensor_rollup_1m")
    assert minute["n"] == 3 and minute["temperature_count"] == 2 and minute["temperature_sum"] == 40.0
    assert minute["rpm_count"] == 1 and minute["vibration_count"] == 3


def test_rollup_buckets_are_utc_whatever_the_session_time_zone(db: sa.Engine) -> None:
    machine = new_id()
    with db.begin() as conn:
        conn.execute(sa.text("SET TIME ZONE 'Asia/Kolkata'"))  # UTC+05:30
        conn.execute(sa.text("INSERT INTO gateways (id) VALUES (:g)"), {"g": GW})
        conn.execute(
            sa.text("INSERT INTO machines (id, name, type) VALUES (:m, 'm', 'pump')"), {"m": machine}
        )
        conn.execute(
            sa.text(
                'INSERT INTO sensor_data (id, machine_id, "timestamp", temperature, gateway_id, seq) '
                "VALUES (gen_random_uuid(), :m, :ts, 1.0, :g, 1)"
            ),
            {"m": machine, "ts": T0 + timedelta(minutes=45), "g": GW},
        )
    (hour,) = _rollup(db, "sensor_rollup_1h")
    assert hour["bucket"] == T0
