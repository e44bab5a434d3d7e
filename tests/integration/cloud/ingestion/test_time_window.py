"""Event times on a real Mosquitto and PostgreSQL: out-of-window records are dead-lettered with a reason
beside the rows that are kept, a status from the future neither lands nor freezes its gateway, the clock
offset and late rows are kept on the gateway, and a gateway clock ten minutes slow still gets its ticket."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import msgspec
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cloud.engine.runner import TicketEngine
from cloud.ingestion.messages import Inbound
from cloud.ingestion.routing import route
from cloud.ingestion.timecheck import TimeWindow
from cloud.ingestion.worker import IngestWorker
from cloud.ingestion.writer import write_batch
from contract.codec import encode
from contract.payloads import GatewayStatus, Prediction, PredictionBatch, Reading, TelemetryBatch, new_id
from contract.topics import Kind, gateway_topic
from tests.integration.cloud.ingestion.kit import Publisher, scalar, wait_until

pytestmark = pytest.mark.integration

GW = "gw-01"
YEAR_10000 = "9999-12-31T23:59:59-01:00"
YEAR_0 = "0001-01-01T00:00:00+01:00"


def _ts(text: str) -> datetime:
    return msgspec.json.decode(f'"{text}"'.encode(), type=datetime)


def _reading(machine: uuid.UUID, ts: datetime, seq: int) -> Reading:
    return Reading(
        id=new_id(), seq=seq, machine_id=machine, ts=ts, temperature=60.0, vibration=2.0, rpm=1500.0
    )


def _prediction(machine: uuid.UUID, ts: datetime, seq: int, prob: float = 0.9996) -> Prediction:
    return Prediction(
        id=new_id(), seq=seq, machine_id=machine, ts=ts, failure_prob=prob, anomaly_score=0.9,
        is_anomaly=True, model_version="m-1",
    )  # fmt: skip


def _dead_letters(db: sa.Engine) -> list[dict[str, Any]]:
    with db.connect() as conn:
        rows = conn.execute(sa.text("SELECT topic, reason, detail FROM dead_letters ORDER BY id"))
        return [dict(r) for r in rows.mappings()]


def test_out_of_window_times_are_dead_lettered_naming_record_time_and_window(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    now, machine = datetime.now(UTC), new_id()
    good = [_reading(machine, now - timedelta(seconds=i), i) for i in range(3)]
    year_10000, year_0 = _reading(machine, _ts(YEAR_10000), 10), _reading(machine, _ts(YEAR_0), 11)
    in_2100 = _reading(machine, datetime(2100, 1, 1, tzinfo=UTC), 12)
    readings = TelemetryBatch(gateway_id=GW, sent_at=now, readings=[*good, year_10000, year_0, in_2100])
    publisher.publish(gateway_topic(GW, Kind.TELEMETRY), encode(readings))
    predictions = PredictionBatch(
        gateway_id=GW, sent_at=now, predictions=[_prediction(machine, _ts(YEAR_0), 1)]
    )
    publisher.publish(gateway_topic(GW, Kind.PREDICTIONS), encode(predictions))
    status = GatewayStatus(gateway_id=GW, online=True, ts=_ts(YEAR_10000))
    publisher.publish(gateway_topic(GW, Kind.STATUS), encode(status), retain=True)

    wait_until(lambda: len(_dead_letters(db)) == 3, what="three dead letters")
    wait_until(lambda: scalar(db, "SELECT count(*) FROM sensor_data") == 3, what="the good readings")
    letters = {d["topic"].rsplit("/", 1)[-1]: d for d in _dead_letters(db)}
    assert {d["reason"] for d in letters.values()} == {"out_of_window"}
    detail = letters["telemetry"]["detail"]
    assert detail.startswith("3 of 6 readings outside the accepted event-time window")
    assert "MAINTAINX_INGEST_MAX_AGE_S=2592000, MAINTAINX_INGEST_MAX_AHEAD_S=300" in detail
    for bad in (year_10000, year_0, in_2100):
        assert f"reading {bad.id} (machine {machine}, seq {bad.seq}) at {bad.ts.isoformat()}" in detail
    assert f"prediction {predictions.predictions[0].id}" in letters["predictions"]["detail"]
    assert f"status ts {YEAR_10000} is not representable in UTC" in letters["status"]["detail"]
    assert scalar(db, "SELECT count(*) FROM predictions") == 0
    assert scalar(db, "SELECT last_seen FROM gateways") is None


def test_a_status_dated_2100_neither_lands_nor_freezes_the_gateway(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    topic = gateway_topic(GW, Kind.STATUS)
    # A row a wrong clock wrote before event times were checked.
    with db.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO gateways (id, online, last_seen) VALUES (:g, false, '2100-01-01Z')"),
            {"g": GW},
        )
    publisher.publish(
        topic, encode(GatewayStatus(gateway_id=GW, online=True, ts=datetime(2100, 1, 2, tzinfo=UTC)))
    )
    now = datetime.now(UTC).replace(microsecond=0)
    publisher.publish(topic, encode(GatewayStatus(gateway_id=GW, online=True, ts=now, agent_version="0.2.0")))

    wait_until(lambda: scalar(db, "SELECT last_seen FROM gateways") == now, what="the present status applied")
    assert scalar(db, "SELECT online AND agent_version = '0.2.0' FROM gateways") is True
    (letter,) = _dead_letters(db)
    assert letter["reason"] == "out_of_window" and "status ts 2100-01-02T00:00:00+00:00" in letter["detail"]


def test_the_gateway_clock_offset_and_late_rows_are_kept_and_shown(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine, client: TestClient
) -> None:
    machine, slow = new_id(), timedelta(minutes=10)
    now = datetime.now(UTC)
    backlog = [_reading(machine, now - timedelta(days=2, seconds=i), i) for i in range(4)]
    batch = TelemetryBatch(
        gateway_id=GW, sent_at=now - slow, readings=[*backlog, _reading(machine, now - slow, 9)]
    )
    publisher.publish(gateway_topic(GW, Kind.TELEMETRY), encode(batch))

    wait_until(lambda: scalar(db, "SELECT count(*) FROM sensor_data") == 5, what="readings stored")
    (gateway,) = client.get("/api/gateways").json()
    # sent_at minus receive time: ten minutes behind, less the transit (well under a minute here).
    assert -660 < gateway["clock_offset_s"] <= -600
    assert gateway["clock_offset_at"].endswith("Z") and gateway["late_rows"] == 4
    assert scalar(db, "SELECT count(*) FROM dead_letters") == 0


def test_a_gateway_clock_ten_minutes_slow_still_gets_its_ticket(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine, sessions: sessionmaker[Session]
) -> None:
    slow = timedelta(minutes=10)
    machine = new_id()
    engine = TicketEngine(sessions)
    gateway_now = datetime.now(UTC) - slow
    verdicts = [_prediction(machine, gateway_now - timedelta(seconds=4 - i), i) for i in range(5)]
    batch = PredictionBatch(gateway_id=GW, sent_at=gateway_now, predictions=verdicts)
    publisher.publish(gateway_topic(GW, Kind.PREDICTIONS), encode(batch))
    wait_until(lambda: scalar(db, "SELECT count(*) FROM predictions") == 5, what="predictions stored")

    assert engine.tick().opened == 1
    assert (
        scalar(db, "SELECT title FROM maintenance_tickets")
        == f"Failure risk on unregistered {machine.hex[:8]}"
    )


def test_offsets_rfc_3339_allows_but_postgresql_does_not_are_stored_in_utc(db: sa.Engine) -> None:
    # PostgreSQL refuses displacements beyond ±15:59; the contract takes up to ±23:59.
    far_east = timezone(timedelta(hours=23, minutes=59))
    now = datetime.now(UTC).replace(microsecond=0)
    machine = new_id()
    messages = [
        TelemetryBatch(gateway_id=GW, sent_at=now, readings=[_reading(machine, now.astimezone(far_east), 1)]),
        PredictionBatch(
            gateway_id=GW, sent_at=now, predictions=[_prediction(machine, now.astimezone(far_east), 2)]
        ),
        GatewayStatus(gateway_id=GW, online=True, ts=(now - timedelta(days=40)).astimezone(far_east)),
    ]
    kinds = [Kind.TELEMETRY, Kind.PREDICTIONS, Kind.STATUS]
    routed = [
        route(Inbound(gateway_topic(GW, kind), encode(body), i, 1, 1), TimeWindow(), now)
        for i, (kind, body) in enumerate(zip(kinds, messages, strict=True))
    ]
    raw: Any = db.raw_connection()
    try:
        write_batch(raw.driver_connection, routed)
        raw.commit()
    finally:
        raw.close()

    assert scalar(db, 'SELECT "timestamp" FROM sensor_data') == now
    assert scalar(db, 'SELECT "timestamp" FROM predictions') == now
    assert scalar(db, "SELECT last_seen FROM gateways") == now - timedelta(days=40)
