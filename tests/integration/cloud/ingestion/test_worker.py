"""Ingestion end to end on a real Mosquitto and PostgreSQL: exactly once, dead letters, unknown machines."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from cloud.ingestion.worker import IngestWorker
from contract.codec import MAX_PAYLOAD_BYTES, encode
from contract.payloads import GatewayStatus, new_id
from contract.topics import Kind, gateway_topic
from maintainx.services import Broker
from tests.integration.cloud.ingestion.kit import (
    T0,
    Publisher,
    machine,
    make_settings,
    predictions,
    readings,
    scalar,
    telemetry,
    wait_until,
)

pytestmark = pytest.mark.integration

GW = "gw-01"


def _status(*machines: object, online: bool = True, ts_offset_s: int = 0, gateway_id: str = GW) -> bytes:
    return encode(
        GatewayStatus(
            gateway_id=gateway_id,
            online=online,
            ts=T0 + timedelta(seconds=ts_offset_s),
            agent_version="0.1.0",
            model_version="iforest-1",
            outbox_depth=3,
            dropped={"outbox_full": 2},
            machines=list(machines),  # type: ignore[arg-type]
        )
    )


def test_telemetry_predictions_and_status_are_stored_exactly_once(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    press = machine()
    publisher.publish(gateway_topic(GW, Kind.STATUS), _status(press), retain=True)
    rows = readings(press.id, 250)
    publisher.publish(gateway_topic(GW, Kind.TELEMETRY), encode(telemetry(GW, rows)))
    publisher.publish(gateway_topic(GW, Kind.PREDICTIONS), encode(predictions(GW, press.id, 40)))

    wait_until(lambda: scalar(db, "SELECT count(*) FROM predictions") == 40, what="predictions stored")
    wait_until(lambda: scalar(db, "SELECT count(*) FROM sensor_data") == 250, what="readings stored")
    with db.connect() as conn:
        gw = conn.execute(sa.text("SELECT * FROM gateways")).mappings().one()
        m = conn.execute(sa.text("SELECT * FROM machines")).mappings().one()
        first = conn.execute(sa.text("SELECT * FROM sensor_data ORDER BY seq LIMIT 1")).mappings().one()
        p = conn.execute(sa.text("SELECT * FROM predictions ORDER BY seq LIMIT 1")).mappings().one()
    assert (gw["id"], gw["online"], gw["outbox_depth"], gw["dropped"]) == (GW, True, 3, {"outbox_full": 2})
    assert (gw["agent_version"], gw["model_version"], gw["last_seen"]) == ("0.1.0", "iforest-1", T0)
    assert (m["id"], m["name"], m["type"], m["location"]) == (press.id, press.name, press.type, "hall A")
    assert (m["gateway_id"], m["registered"]) == (GW, True)
    r0 = rows[0]
    assert (first["id"], first["machine_id"], first["timestamp"]) == (r0.id, press.id, r0.ts)
    assert first["gateway_id"] == GW
    assert (first["temperature"], first["vibration"], first["rpm"]) == (r0.temperature, r0.vibration, r0.rpm)
    # The COPY path must round-trip text that needs escaping, and the features JSON.
    assert p["model_version"] == "iforest-1\ttab\\slash"
    assert p["features"] == {"temperature_mean": 61.5, "rpm_std": 3.25}
    assert (p["failure_prob"], p["anomaly_score"], p["is_anomaly"]) == (0.0, 0.5, True)
    assert p["fault"] is None
    faults = scalar(
        db, "SELECT array_agg(DISTINCT fault) FILTER (WHERE failure_prob >= 0.65) FROM predictions"
    )
    assert faults == ["bearing_wear"]
    assert scalar(db, "SELECT count(fault) FROM predictions") == 12  # 3 of every 10 verdicts are at risk
    wait_until(
        lambda: (
            scalar(
                db, "SELECT rows_committed FROM ingestion_workers WHERE worker_id = :w", w=worker.worker_id
            )
            == 290
        ),
        what="heartbeat counting 290 rows",
    )
    assert scalar(db, "SELECT newest_event_ts FROM ingestion_workers") == rows[-1].ts


def test_the_same_batch_published_three_times_is_stored_once(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    press = machine()
    publisher.publish(gateway_topic(GW, Kind.STATUS), _status(press))
    payload = encode(telemetry(GW, readings(press.id, 100)))
    for _ in range(3):
        publisher.publish(gateway_topic(GW, Kind.TELEMETRY), payload)
    marker = encode(telemetry(GW, readings(press.id, 1, start_seq=1000)))
    publisher.publish(gateway_topic(GW, Kind.TELEMETRY), marker)

    wait_until(lambda: worker.totals.readings_duplicate == 200, what="200 duplicates seen")
    wait_until(lambda: scalar(db, "SELECT count(*) FROM sensor_data WHERE seq = 1000") == 1, what="marker")
    assert scalar(db, "SELECT count(*) FROM sensor_data") == 101
    assert scalar(db, "SELECT count(DISTINCT id) FROM sensor_data") == 101


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b'{"type": "telemetry", "gateway_id": ', "malformed"),
        (b"\x00" * (MAX_PAYLOAD_BYTES + 1), "oversized"),
    ],
    ids=["malformed-json", "oversized"],
)
def test_unparseable_payloads_become_dead_letters_and_ingestion_goes_on(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine, payload: bytes, reason: str
) -> None:
    topic = gateway_topic(GW, Kind.TELEMETRY)
    publisher.publish(topic, payload)
    good = readings(new_id(), 5)
    publisher.publish(topic, encode(telemetry(GW, good)))

    wait_until(lambda: scalar(db, "SELECT count(*) FROM sensor_data") == 5, what="good data after bad")
    with db.connect() as conn:
        dead = conn.execute(sa.text("SELECT topic, reason, detail, payload FROM dead_letters")).one()
    assert (dead.topic, dead.reason, bytes(dead.payload)) == (topic, reason, payload)
    assert dead.detail


def test_invalid_payloads_are_dead_lettered_with_their_reason(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    machine_id = new_id()
    valid = encode(telemetry(GW, readings(machine_id, 3)))
    wrong_version = valid.replace(b'"schema_version":1', b'"schema_version":2')
    out_of_range = valid.replace(b'"rpm":1480.0', b'"rpm":-5.0', 1)
    other_gateway = encode(telemetry("gw-99", readings(machine_id, 3)))
    assert wrong_version != valid and out_of_range != valid
    topic = gateway_topic(GW, Kind.TELEMETRY)
    for bad in (wrong_version, out_of_range, other_gateway):
        publisher.publish(topic, bad)
    publisher.publish(topic, valid)

    wait_until(lambda: scalar(db, "SELECT count(*) FROM sensor_data") == 3, what="valid batch stored")
    wait_until(lambda: scalar(db, "SELECT count(*) FROM dead_letters") == 3, what="three dead letters")
    with db.connect() as conn:
        dead = conn.execute(sa.text("SELECT reason, detail FROM dead_letters ORDER BY id")).all()
    assert [d.reason for d in dead] == ["wrong_schema_version", "invalid", "gateway_mismatch"]
    assert "rpm" in dead[1].detail
    assert worker.totals.dead_letters == 3
    wait_until(lambda: scalar(db, "SELECT dead_letters FROM ingestion_workers") == 3, what="heartbeat count")


def test_data_for_an_unknown_machine_creates_a_placeholder_that_its_status_fills_in(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    press = machine("press 7")
    publisher.publish(gateway_topic(GW, Kind.PREDICTIONS), encode(predictions(GW, press.id, 2)))
    publisher.publish(gateway_topic(GW, Kind.TELEMETRY), encode(telemetry(GW, readings(press.id, 4))))
    wait_until(lambda: scalar(db, "SELECT count(*) FROM sensor_data") == 4, what="readings stored")
    with db.connect() as conn:
        placeholder = conn.execute(sa.text("SELECT * FROM machines")).mappings().one()
    assert placeholder["id"] == press.id
    assert placeholder["name"] == f"unregistered {press.id.hex[:8]}"
    assert (placeholder["type"], placeholder["gateway_id"]) == ("unknown", GW)
    assert placeholder["registered"] is False
    assert scalar(db, "SELECT count(*) FROM predictions") == 2
    assert scalar(db, "SELECT online FROM gateways WHERE id = :gw", gw=GW) is False

    publisher.publish(gateway_topic(GW, Kind.STATUS), _status(press))
    wait_until(lambda: scalar(db, "SELECT registered FROM machines") is True, what="machine registered")
    with db.connect() as conn:
        m = conn.execute(sa.text("SELECT name, type, location FROM machines")).one()
    assert tuple(m) == ("press 7", "hydraulic press", "hall A")
    assert scalar(db, "SELECT online FROM gateways WHERE id = :gw", gw=GW) is True


def test_an_older_status_does_not_roll_the_gateway_back(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    topic = gateway_topic(GW, Kind.STATUS)
    publisher.publish(topic, _status(machine(), online=False, ts_offset_s=60))
    wait_until(lambda: scalar(db, "SELECT count(*) FROM gateways") == 1, what="gateway stored")
    publisher.publish(topic, _status(machine(), online=True, ts_offset_s=0))
    publisher.publish(topic, b"")  # clearing the retained status: ignored, not a dead letter
    publisher.publish(gateway_topic(GW, Kind.TELEMETRY), encode(telemetry(GW, readings(new_id(), 1))))
    wait_until(lambda: scalar(db, "SELECT count(*) FROM sensor_data") == 1, what="later data stored")
    assert scalar(db, "SELECT online FROM gateways") is False
    assert scalar(db, "SELECT count(*) FROM machines WHERE registered") == 1
    assert scalar(db, "SELECT count(*) FROM dead_letters") == 0


def test_a_batch_taken_while_the_database_is_down_is_not_acked_and_lands_after_a_restart(
    broker: Broker, database_url: str, pg_admin_url: str, publisher: Publisher, db: sa.Engine
) -> None:
    name = make_url(database_url).database
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    first = IngestWorker(make_settings(broker, "outage"), database_url=database_url).start()
    try:
        wait_until(first.consumer.subscribed.is_set, what="worker subscribed")
        with admin.connect() as conn:
            conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
        publisher.publish(gateway_topic(GW, Kind.TELEMETRY), encode(telemetry(GW, readings(new_id(), 20))))
        wait_until(lambda: first.inbox.empty(), what="worker took the batch")
        time.sleep(0.5)  # a few failed attempts
        first.stop(timeout=1)  # gives up on the batch: it must stay un-acked
        assert first.totals.readings == 0
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()

    second = IngestWorker(make_settings(broker, "outage"), database_url=database_url).start()
    try:
        wait_until(
            lambda: scalar(db, "SELECT count(*) FROM sensor_data") == 20, what="redelivered batch stored"
        )
    finally:
        second.stop(timeout=10)
    assert second.error is None
