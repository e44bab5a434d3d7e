"""Property: any event time the contract can parse (years 1 to 9999, every UTC offset) goes through decode,
the time check, the real PostgreSQL write, an engine tick and the API without an exception or a 500, and
every message with a refused record has its dead letter."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from cloud.engine.runner import TicketEngine
from cloud.ingestion.messages import Inbound
from cloud.ingestion.routing import Accepted, Routed, route
from cloud.ingestion.timecheck import TimeWindow
from cloud.ingestion.writer import write_batch
from contract.codec import encode
from contract.payloads import GatewayStatus, Prediction, PredictionBatch, Reading, TelemetryBatch, new_id
from contract.topics import Kind, gateway_topic

pytestmark = pytest.mark.integration

GW = "gw-time"
MACHINES = [uuid.UUID(int=0x0195F0A4_0000_7000_8000_000000000000 + i) for i in range(2)]
# Every offset RFC 3339 can write: minutes from -23:59 to +23:59.
offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
anywhen = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59), timezones=offsets
)
# Times near now, so that some records pass the window and reach the engine and the API.
nearby = st.integers(-40 * 86400, 3600).map(lambda s: datetime.now(UTC) + timedelta(seconds=s))
times = st.one_of(anywhen, nearby)


@pytest.fixture
def raw(database_url: str) -> Iterator[object]:
    """A psycopg2 connection on the test database, as a worker's writer has one."""
    engine = sa.create_engine(database_url)
    connection = engine.raw_connection()
    yield connection
    connection.close()
    engine.dispose()


def _messages(stamps: list[datetime], sent_at: datetime, status_ts: datetime, prob: float) -> list[Inbound]:
    readings = [
        Reading(
            id=new_id(), seq=i, machine_id=MACHINES[i % 2], ts=ts, temperature=60.0, vibration=2.0, rpm=1500.0
        )
        for i, ts in enumerate(stamps)
    ]
    predictions = [
        Prediction(
            id=new_id(),
            seq=i,
            machine_id=MACHINES[i % 2],
            ts=ts,
            failure_prob=prob,
            anomaly_score=0.5,
            is_anomaly=prob > 0.5,
            model_version="m-1",
        )
        for i, ts in enumerate(stamps)
    ]
    payloads = {
        Kind.TELEMETRY: TelemetryBatch(gateway_id=GW, sent_at=sent_at, readings=readings),
        Kind.PREDICTIONS: PredictionBatch(gateway_id=GW, sent_at=sent_at, predictions=predictions),
        Kind.STATUS: GatewayStatus(gateway_id=GW, online=True, ts=status_ts),
    }
    return [
        Inbound(gateway_topic(GW, kind), encode(body), i, 1, 1)
        for i, (kind, body) in enumerate(payloads.items())
    ]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    stamps=st.lists(times, min_size=1, max_size=6),
    sent_at=times,
    status_ts=times,
    prob=st.sampled_from([0.05, 0.95]),
    range_start=anywhen,
    range_end=anywhen,
)
def test_any_event_time_flows_through_without_an_exception_or_a_500(
    raw: object,
    sessions: sessionmaker[Session],
    client: TestClient,
    stamps: list[datetime],
    sent_at: datetime,
    status_ts: datetime,
    prob: float,
    range_start: datetime,
    range_end: datetime,
) -> None:
    connection = raw.driver_connection  # type: ignore[attr-defined]
    with sessions() as s:
        letters_before = s.execute(sa.text("SELECT count(*) FROM dead_letters")).scalar()
    routed: list[Routed] = [route(m, TimeWindow()) for m in _messages(stamps, sent_at, status_ts, prob)]
    refused = sum(not isinstance(r, Accepted) or r.out_of_window is not None for r in routed)

    # Strict: anything routing accepted, PostgreSQL must take (the worker's one-by-one fallback is not used).
    write_batch(connection, routed)
    connection.commit()
    TicketEngine(sessions).tick()

    with sessions() as s:
        letters = s.execute(sa.text("SELECT count(*) FROM dead_letters")).scalar()
    assert letters is not None and letters - (letters_before or 0) == refused
    assert client.get("/api/machines").status_code == 200
    assert client.get("/api/gateways").status_code == 200
    # 503 is the health check's answer when no ingestion worker runs (none does here).
    assert client.get("/api/health").status_code in (200, 503)
    window = {"start": range_start.isoformat(), "end": range_end.isoformat()}
    for machine in MACHINES:
        for what in ("readings", "predictions"):
            response = client.get(f"/api/machines/{machine}/{what}", params=window)
            assert response.status_code in (200, 422), (what, window, response.text)
