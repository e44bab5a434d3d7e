"""No poison pill: what one gateway sends cannot stop a worker, and an id is never stored with two contents.

Each test is a case reproduced on the code before this change (real Mosquitto, real PostgreSQL).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import msgspec
import pytest
import sqlalchemy as sa

from cloud.ingestion.dead_letter import Reason
from cloud.ingestion.messages import Inbound
from cloud.ingestion.routing import Accepted
from cloud.ingestion.worker import IngestWorker
from cloud.ingestion.writer import write_batch, write_one_by_one
from contract.codec import encode
from contract.payloads import GatewayStatus, Reading, new_id
from contract.topics import Kind, gateway_topic
from maintainx.services import Broker
from tests.integration.cloud.ingestion.kit import (
    T0,
    Publisher,
    make_settings,
    predictions,
    readings,
    scalar,
    telemetry,
    wait_until,
)

pytestmark = pytest.mark.integration

GW = "gw-poison"
TELEMETRY = gateway_topic(GW, Kind.TELEMETRY)


def _dead_letters(db: sa.Engine) -> list[sa.Row[tuple[str, str, str, bytes]]]:
    with db.connect() as conn:
        rows = conn.execute(sa.text("SELECT topic, reason, detail, payload FROM dead_letters ORDER BY id"))
        return list(rows)


def _stored(db: sa.Engine, n: int, what: str) -> None:
    wait_until(lambda: scalar(db, "SELECT count(*) FROM sensor_data") == n, what=what)


@pytest.fixture
def second_worker(broker: Broker, database_url: str) -> Iterator[IngestWorker]:
    """Another worker (its own client id), started by the test when it wants it."""
    w = IngestWorker(make_settings(broker, worker_id="second"), database_url=database_url)
    yield w
    w.stop(timeout=10)
    assert w.error is None


def test_a_retained_status_with_a_nul_is_dead_lettered_by_every_worker_and_none_stops(
    worker: IngestWorker, second_worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    status = encode(GatewayStatus(gateway_id=GW, online=True, ts=T0, agent_version="1.0\x00evil"))
    publisher.publish(gateway_topic(GW, Kind.STATUS), status, retain=True)
    publisher.publish(TELEMETRY, encode(telemetry(GW, readings(new_id(), 3))))
    _stored(db, 3, "readings after the poisoned status")

    # A worker started later gets the retained status too, and takes it like any other message.
    second_worker.start()
    wait_until(lambda: len(_dead_letters(db)) == 2, what="the second worker's dead letter")
    publisher.publish(TELEMETRY, encode(telemetry(GW, readings(new_id(), 4))))
    _stored(db, 7, "readings after the second worker started")

    assert not worker.finished.is_set() and not second_worker.finished.is_set()
    for dead in _dead_letters(db):
        assert dead.reason == "invalid"
        assert "NUL" in dead.detail and "$.agent_version" in dead.detail
        assert bytes(dead.payload) == status
    assert scalar(db, "SELECT count(*) FROM gateways WHERE agent_version LIKE '1.0%'") == 0


def test_an_unknown_field_named_with_a_nul_is_dead_lettered_with_its_name_escaped(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    message = json.loads(encode(telemetry(GW, readings(new_id(), 2))))
    message["x\x00"] = 1
    payload = json.dumps(message).encode()  # the key goes as "x\u0000"
    publisher.publish(TELEMETRY, payload)
    publisher.publish(TELEMETRY, encode(telemetry(GW, readings(new_id(), 5))))
    _stored(db, 5, "readings after the bad message")

    (dead,) = _dead_letters(db)
    assert (dead.topic, dead.reason, bytes(dead.payload)) == (TELEMETRY, "invalid", payload)
    assert "x\\x00" in dead.detail
    assert not worker.finished.is_set()


def test_a_message_that_trips_the_writer_is_dead_lettered_alone(database_url: str, db: sa.Engine) -> None:
    # Past the contract (which refuses NUL), a value the driver cannot send stands for any bug a message
    # could trigger in the writer: it fails in its batch, fails again alone, and becomes a dead letter.
    machine_id = new_id()
    bad_status = GatewayStatus(gateway_id=GW, online=True, ts=T0, agent_version="\x00")
    raw = Inbound(gateway_topic(GW, Kind.STATUS), b"{}", 1, 1, 0)
    items = [
        Accepted(raw, GW, bad_status),
        Accepted(Inbound(TELEMETRY, b"", 2, 1, 0), GW, telemetry(GW, readings(machine_id, 3))),
    ]
    engine = sa.create_engine(database_url)
    connection = engine.raw_connection()
    try:
        with pytest.raises(ValueError, match="NUL"):
            write_batch(connection.driver_connection, items)
        connection.rollback()
        stats = write_one_by_one(connection.driver_connection, items, ValueError("NUL"))
        connection.commit()
    finally:
        connection.close()
        engine.dispose()
    assert stats.readings == 3 and stats.dead_letter_reasons == {Reason.INGESTION_FAILED: 1}
    (dead,) = _dead_letters(db)
    assert dead.reason == "ingestion_failed" and "ValueError" in dead.detail and "NUL" in dead.detail


def _changed(r: Reading, **changes: object) -> Reading:
    return msgspec.structs.replace(r, **changes)


def test_the_same_id_with_other_values_is_a_conflict_and_the_first_row_is_kept(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    machine_id = new_id()
    first = readings(machine_id, 3)
    publisher.publish(TELEMETRY, encode(telemetry(GW, first)))
    _stored(db, 3, "first readings")

    forged = _changed(first[1], temperature=first[1].temperature + 40.0, seq=99)
    fresh = readings(machine_id, 1, start_seq=10)
    second = encode(telemetry(GW, [first[0], forged, *fresh]))  # an exact duplicate, a conflict, a new one
    publisher.publish(TELEMETRY, second)
    _stored(db, 4, "the new reading beside the conflict")
    wait_until(lambda: _dead_letters(db), what="the conflict's dead letter")

    (dead,) = _dead_letters(db)
    assert (dead.reason, bytes(dead.payload)) == ("conflict", second)
    assert f"conflict: id {first[1].id} already stored with other temperature, seq" in dead.detail
    stored = scalar(db, "SELECT temperature FROM sensor_data WHERE id = :i", i=first[1].id)
    assert stored == first[1].temperature
    assert worker.totals.readings_duplicate == 1  # the exact one; the conflict is not a duplicate


def test_the_same_id_at_another_timestamp_in_a_replayed_batch_is_a_conflict_not_a_second_row(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    machine_id = new_id()
    first = readings(machine_id, 2)
    publisher.publish(TELEMETRY, encode(telemetry(GW, first)))
    _stored(db, 2, "first readings")

    # A replay of the batch (so its COPY collides on first[1]) in which one record has moved in time.
    moved = _changed(first[0], ts=first[0].ts + timedelta(hours=3))
    fresh = readings(machine_id, 1, start_seq=10)
    second = encode(telemetry(GW, [moved, first[1], *fresh]))
    publisher.publish(TELEMETRY, second)
    _stored(db, 3, "the new reading beside the conflict")
    wait_until(lambda: _dead_letters(db), what="the conflict's dead letter")

    (dead,) = _dead_letters(db)
    assert dead.reason == "conflict"
    assert f"id {first[0].id} already stored with timestamp {first[0].ts.isoformat()}" in dead.detail
    assert scalar(db, "SELECT count(*) FROM sensor_data WHERE id = :i", i=first[0].id) == 1
    assert scalar(db, 'SELECT "timestamp" FROM sensor_data WHERE id = :i', i=first[0].id) == first[0].ts


def test_one_message_holding_an_id_twice_with_two_contents_keeps_the_first(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    machine_id = new_id()
    (one,) = readings(machine_id, 1)
    other_time = _changed(one, ts=one.ts + timedelta(minutes=1))
    other_value = _changed(one, rpm=1.0)
    payload = encode(telemetry(GW, [one, other_value, other_time]))
    publisher.publish(TELEMETRY, payload)
    wait_until(lambda: _dead_letters(db), what="the conflict's dead letter")

    assert scalar(db, "SELECT count(*) FROM sensor_data") == 1
    assert scalar(db, "SELECT rpm FROM sensor_data") == one.rpm
    (dead,) = _dead_letters(db)
    assert dead.reason == "conflict" and "2 record(s) refused" in dead.detail
    assert str(one.id) in dead.detail and "other rpm" in dead.detail and "timestamp" in dead.detail


def test_a_conflicting_prediction_is_dead_lettered_naming_the_fields(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    batch = predictions(GW, new_id(), 2)
    topic = gateway_topic(GW, Kind.PREDICTIONS)
    publisher.publish(topic, encode(batch))
    wait_until(lambda: scalar(db, "SELECT count(*) FROM predictions") == 2, what="predictions")

    p = batch.predictions[0]
    forged = msgspec.structs.replace(p, features={"temperature_mean": 99.0}, model_version="other")
    publisher.publish(topic, encode(msgspec.structs.replace(batch, predictions=[forged])))
    wait_until(lambda: _dead_letters(db), what="the conflict's dead letter")

    (dead,) = _dead_letters(db)
    assert dead.reason == "conflict" and "other model_version, features" in dead.detail
    assert scalar(db, "SELECT model_version FROM predictions WHERE id = :i", i=p.id) == p.model_version
