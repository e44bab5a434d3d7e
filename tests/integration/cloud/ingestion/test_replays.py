"""A record replayed at another timestamp (same id and seq, re-stamped at the edge) in an otherwise new batch
is a conflict, not a second row; real worker, broker and PostgreSQL, plus a property on the writer."""

from __future__ import annotations

import uuid
from datetime import timedelta

import msgspec
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloud.ingestion.messages import Inbound
from cloud.ingestion.routing import route
from cloud.ingestion.worker import IngestWorker
from cloud.ingestion.writer import write_batch
from contract.codec import encode
from contract.payloads import Reading, new_id
from contract.topics import Kind, gateway_topic
from tests.integration.cloud.ingestion.kit import (
    T0,
    Publisher,
    predictions,
    readings,
    scalar,
    telemetry,
    wait_until,
)

pytestmark = pytest.mark.integration

GW = "gw-replay"
TELEMETRY = gateway_topic(GW, Kind.TELEMETRY)


def _dead_letters(db: sa.Engine) -> list[sa.Row[tuple[str, str, bytes]]]:
    with db.connect() as conn:
        return list(conn.execute(sa.text("SELECT reason, detail, payload FROM dead_letters ORDER BY id")))


def test_a_record_replayed_at_another_time_in_a_new_batch_is_a_conflict_and_the_rest_is_stored(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    machine_id = new_id()
    first = readings(machine_id, 3)
    publisher.publish(TELEMETRY, encode(telemetry(GW, first)))
    wait_until(lambda: scalar(db, "SELECT count(*) FROM sensor_data") == 3, what="first readings")

    # Nothing in this message collides with a stored (id, timestamp) key: the COPY alone would store the
    # re-stamped record as a second row.
    moved = msgspec.structs.replace(first[1], ts=first[1].ts + timedelta(minutes=7))
    fresh = readings(machine_id, 2, start_seq=3)
    second = encode(telemetry(GW, [fresh[0], moved, fresh[1]]))
    publisher.publish(TELEMETRY, second)
    fresh_ids = [r.id for r in fresh]
    wait_until(
        lambda: scalar(db, "SELECT count(*) FROM sensor_data WHERE id = ANY(:i)", i=fresh_ids) == 2,
        what="the fresh readings",
    )
    wait_until(lambda: _dead_letters(db), what="the conflict's dead letter")

    (dead,) = _dead_letters(db)
    assert (dead.reason, bytes(dead.payload)) == ("conflict", second)
    assert (
        f"id {first[1].id} already stored with timestamp {first[1].ts.isoformat()}, "
        f"not {moved.ts.isoformat()}" in dead.detail
    )
    assert "1 record(s) refused" in dead.detail
    assert scalar(db, 'SELECT "timestamp" FROM sensor_data WHERE id = :i', i=first[1].id) == first[1].ts
    assert scalar(db, "SELECT count(*) FROM sensor_data WHERE id = :i", i=first[1].id) == 1
    assert scalar(db, "SELECT count(*) FROM sensor_data") == 5

    # An exact replay stays a silent, counted duplicate.
    publisher.publish(TELEMETRY, encode(telemetry(GW, first)))
    wait_until(lambda: worker.totals.readings_duplicate == 3, what="the duplicates counted")
    assert len(_dead_letters(db)) == 1 and scalar(db, "SELECT count(*) FROM sensor_data") == 5


def test_a_gateway_whose_seqs_restarted_is_stored_without_conflicts(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    # New ids on seqs already stored (an outbox wiped at the edge): the seq probe sends the batch the careful
    # way, which finds no stored id and stores every record.
    machine_id = new_id()
    publisher.publish(TELEMETRY, encode(telemetry(GW, readings(machine_id, 3))))
    wait_until(lambda: scalar(db, "SELECT count(*) FROM sensor_data") == 3, what="first readings")
    again = [msgspec.structs.replace(r, ts=r.ts + timedelta(hours=1)) for r in readings(machine_id, 3)]
    publisher.publish(TELEMETRY, encode(telemetry(GW, again)))
    wait_until(lambda: scalar(db, "SELECT count(*) FROM sensor_data") == 6, what="the restarted stream")
    assert _dead_letters(db) == [] and worker.totals.readings_duplicate == 0


def test_a_prediction_replayed_at_another_time_in_a_new_batch_is_a_conflict(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    batch = predictions(GW, new_id(), 3)
    topic = gateway_topic(GW, Kind.PREDICTIONS)
    publisher.publish(topic, encode(msgspec.structs.replace(batch, predictions=batch.predictions[:2])))
    wait_until(lambda: scalar(db, "SELECT count(*) FROM predictions") == 2, what="predictions")

    p = batch.predictions[0]
    moved = msgspec.structs.replace(p, ts=p.ts - timedelta(hours=2))
    later = msgspec.structs.replace(batch, predictions=[moved, batch.predictions[2]])
    publisher.publish(topic, encode(later))
    fresh = batch.predictions[2].id
    wait_until(
        lambda: scalar(db, "SELECT count(*) FROM predictions WHERE id = :i", i=fresh), what="fresh one"
    )
    wait_until(lambda: _dead_letters(db), what="the conflict's dead letter")

    (dead,) = _dead_letters(db)
    assert dead.reason == "conflict" and f"id {p.id} already stored with timestamp" in dead.detail
    assert scalar(db, 'SELECT "timestamp" FROM predictions WHERE id = :i', i=p.id) == p.ts


# --- property: whatever is replayed and however it is re-stamped, first rows are kept -----------------------

MACHINE = uuid.UUID(int=0x0195F0A4_0000_7000_8000_000000000000)


def _reading(n: int) -> Reading:
    return Reading(
        id=uuid.UUID(int=(0x0195F0A5 << 96) + n),
        seq=n,
        machine_id=MACHINE,
        ts=T0 + timedelta(seconds=n),
        temperature=60.0,
        vibration=1.0,
        rpm=1480.0,
    )


@st.composite
def replays(draw: st.DrawFn) -> tuple[list[Reading], list[Reading], list[Reading]]:
    """Stored readings; a new batch of fresh ones plus replays, each re-stamped (or not) by a drawn shift."""
    stored = [_reading(n) for n in range(draw(st.integers(1, 30)))]
    fresh = [_reading(len(stored) + n) for n in range(draw(st.integers(0, 20)))]
    chosen = draw(st.lists(st.sampled_from(stored), max_size=10, unique_by=lambda r: r.id))
    # Up to 23 hours either way: inside the window the conflict check looks in.
    replayed = [
        msgspec.structs.replace(r, ts=r.ts + timedelta(seconds=draw(st.integers(-23 * 3600, 23 * 3600))))
        for r in chosen
    ]
    return stored, fresh, draw(st.permutations(fresh + replayed))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=replays())
def test_any_replay_keeps_the_first_rows_stores_the_fresh_ones_and_refuses_the_re_stamped(
    database_url: str, case: tuple[list[Reading], list[Reading], list[Reading]]
) -> None:
    stored, fresh, batch = case
    engine = sa.create_engine(database_url)
    raw = engine.raw_connection()
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("TRUNCATE sensor_data, dead_letters"))
        for i, rows in enumerate([stored, batch]):
            if rows:
                payload = encode(telemetry(GW, rows))
                stats = write_batch(raw.driver_connection, [route(Inbound(TELEMETRY, payload, i, 1, 1))])
                raw.commit()
        with engine.connect() as conn:
            rows_now = conn.execute(sa.text('SELECT id, "timestamp", seq FROM sensor_data')).all()
            conflicts = conn.execute(sa.text("SELECT count(*) FROM dead_letters")).scalar_one()
    finally:
        raw.close()
        engine.dispose()
    assert sorted(tuple(r) for r in rows_now) == sorted((r.id, r.ts, r.seq) for r in stored + fresh)
    re_stamped = [r for r in batch if r not in fresh and r.ts != _reading(r.seq).ts]
    if batch:
        assert stats.readings == len(fresh)
        assert stats.readings_duplicate == len(batch) - len(fresh) - len(re_stamped)
        assert conflicts == (1 if re_stamped else 0)
