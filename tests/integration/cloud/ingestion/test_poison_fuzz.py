"""Property: nothing a gateway sends stops ingestion, the engine or the API, and nothing is lost silently.

Arbitrary bytes, and valid messages with one field replaced by anything (all of Unicode including NUL and
lone surrogates, NaN, ±Inf, huge numbers, dates from year 1 to 9999 at any offset, unknown fields), go over
a real Mosquitto to a real worker writing to a real PostgreSQL; then the ticket engine ticks and the API is
read. Each message is judged by the contract's own decoder: one it refuses must come back as a dead letter
with a reason; one it accepts must be stored, or dead-lettered by the database with a reason. A valid
reading sent after the hostile ones must be stored, which also proves the worker still takes messages.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import msgspec
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from cloud.engine.policy import TicketPolicy
from cloud.engine.runner import TicketEngine
from cloud.ingestion.messages import Inbound
from cloud.ingestion.routing import Accepted, Ignored, Rejected, route
from cloud.ingestion.worker import IngestWorker
from contract.codec import encode
from contract.payloads import Prediction, PredictionBatch, TelemetryBatch, new_id
from contract.topics import Kind, gateway_topic
from tests.integration.cloud.ingestion.kit import (
    Publisher,
    predictions,
    readings,
    scalar,
    telemetry,
    wait_until,
)

pytestmark = pytest.mark.integration

GW = "gw-fuzz"
KINDS = (Kind.TELEMETRY, Kind.PREDICTIONS, Kind.STATUS)
# Kept small: every example is a real round trip through broker, worker, database, engine and API.
EXAMPLES = 25

# All of Unicode, surrogates (Cs) included, and often the characters that broke ingestion before.
any_text = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=40),
    st.tuples(st.text(max_size=5), st.sampled_from(["\x00", "\ud800", "\udfff"]), st.text(max_size=5)).map(
        "".join
    ),
)
offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
any_time = st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59), timezones=offsets)
any_number = st.one_of(
    st.floats(),  # NaN and ±Inf included (json.dumps writes them as tokens JSON does not have)
    st.integers(),
    st.sampled_from([1e308, -1e308, 5e-324, 2**63, 2**64, -(2**63) - 1, 10**30]),
)
any_value = st.one_of(
    any_text,
    any_number,
    any_time.map(lambda t: t.isoformat()),
    st.none(),
    st.booleans(),
    st.dictionaries(any_text, st.one_of(any_number, any_text), max_size=3),
)


def _valid(kind: Kind) -> dict[str, Any]:
    """A valid message of ``kind``, as the JSON object a gateway sends, about a new machine."""
    machine_id = new_id()
    now = datetime.now(UTC)
    if kind is Kind.TELEMETRY:
        message: Any = telemetry(GW, readings(machine_id, 2))
    elif kind is Kind.PREDICTIONS:
        message = predictions(GW, machine_id, 2)
    else:
        message = {
            "type": "status",
            "gateway_id": GW,
            "online": True,
            "ts": now.isoformat(),
            "agent_version": "1.0",
            "model_version": "m-1",
            "dropped": {"outbox_full": 1},
            "last_error": None,
            "machines": [{"id": str(machine_id), "name": "press", "type": "press", "location": "hall"}],
        }
        return message
    decoded: dict[str, Any] = json.loads(encode(message))
    return decoded


# Where a hostile value goes, per kind: a path into the message (a new key when the last step is None).
PATHS: dict[Kind, list[tuple[Any, ...]]] = {
    Kind.TELEMETRY: [
        ("sent_at",),
        ("readings", 0, "ts"),
        ("readings", 0, "temperature"),
        ("readings", 1, "rpm"),
        ("readings", 0, "id"),
        ("readings", 0, "machine_id"),
        ("readings", 1, "seq"),
        (None,),
        ("readings", 0, None),
    ],
    Kind.PREDICTIONS: [
        ("predictions", 0, "model_version"),
        ("predictions", 0, "features"),
        ("predictions", 0, "features", None),
        ("predictions", 1, "fault"),
        ("predictions", 0, "failure_prob"),
        ("predictions", 1, "ts"),
        ("predictions", 0, "seq"),
        (None,),
    ],
    Kind.STATUS: [
        ("agent_version",),
        ("model_version",),
        ("last_error",),
        ("dropped",),
        ("dropped", None),
        ("outbox_depth",),
        ("ts",),
        ("machines", 0, "name"),
        ("machines", 0, "location"),
        ("machines", 0, "id"),
        (None,),
    ],
}


@st.composite
def hostile(draw: st.DrawFn) -> tuple[str, bytes]:
    """A topic and a payload: raw bytes, or a valid message with one field replaced by anything."""
    kind = draw(st.sampled_from(KINDS))
    topic = gateway_topic(GW, kind)
    if draw(st.integers(0, 4)) == 0:
        return topic, draw(st.binary(max_size=200))
    message = _valid(kind)
    *steps, last = draw(st.sampled_from(PATHS[kind]))
    target = message
    for step in steps:
        target = target[step]
    key = draw(any_text) if last is None else last
    target[key] = draw(any_value)
    if draw(st.booleans()):
        return topic, json.dumps(message).encode()  # ASCII: NUL and surrogates as \u escapes
    # Raw UTF-8, and a lone surrogate as the three bytes UTF-8 forbids.
    return topic, json.dumps(message, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _stored_ids(db: sa.Engine, table: str, ids: list[str]) -> int:
    with db.connect() as conn:
        query = sa.text(f"SELECT count(DISTINCT id) FROM {table} WHERE id = ANY(CAST(:ids AS uuid[]))")
        return int(conn.execute(query, {"ids": ids}).scalar_one())


def _dead_letter(db: sa.Engine, after: int, payload: bytes) -> tuple[str, str] | None:
    with db.connect() as conn:
        row = conn.execute(
            sa.text("SELECT reason, detail FROM dead_letters WHERE id > :after AND payload = :p LIMIT 1"),
            {"after": after, "p": payload},
        ).first()
    return None if row is None else (row.reason, row.detail)


def _settled(db: sa.Engine, after: int, topic: str, payload: bytes) -> bool:
    """Whether ``payload`` reached its end: a dead letter with a reason, or every record stored."""
    routed = route(Inbound(topic, payload, 0, 1, 0))
    dead = _dead_letter(db, after, payload)
    if isinstance(routed, Ignored):
        return True
    if isinstance(routed, Rejected):
        return dead is not None and dead[0] == routed.reason and bool(dead[1])
    assert isinstance(routed, Accepted)
    if dead is not None:
        return bool(dead[0]) and bool(dead[1])
    body = routed.body
    if isinstance(body, TelemetryBatch):
        ids = [str(r.id) for r in body.readings]
        return _stored_ids(db, "sensor_data", ids) == len(set(ids))
    if isinstance(body, PredictionBatch):
        ids = [str(p.id) for p in body.predictions]
        return _stored_ids(db, "predictions", ids) == len(set(ids))
    return True  # a status: applied or skipped as stale, nothing to lose


def _api_answers(client: TestClient) -> None:
    for path in ("/api/machines", "/api/gateways", f"/api/gateways/{GW}", "/api/health"):
        response = client.get(path)
        assert response.status_code < 500, (path, response.text)
    machines = client.get("/api/machines").json()
    for machine in machines[-6:]:
        for what in ("readings", "predictions"):
            response = client.get(f"/api/machines/{machine['id']}/{what}")
            assert response.status_code < 500, (what, response.text)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(messages=st.lists(hostile(), min_size=1, max_size=4))
# The two cases that stopped every worker before (a NUL in a status text; an unknown field named "x\0").
@example(
    messages=[
        (
            gateway_topic(GW, Kind.STATUS),
            json.dumps({**_valid(Kind.STATUS), "agent_version": "1\x00"}).encode(),
        ),
        (gateway_topic(GW, Kind.TELEMETRY), json.dumps({**_valid(Kind.TELEMETRY), "x\x00": 1}).encode()),
    ]
)
def test_hostile_messages_never_stop_ingestion_the_engine_or_the_api(
    worker: IngestWorker,
    publisher: Publisher,
    db: sa.Engine,
    sessions: sessionmaker[Session],
    client: TestClient,
    messages: list[tuple[str, bytes]],
) -> None:
    after = int(scalar(db, "SELECT coalesce(max(id), 0) FROM dead_letters"))  # type: ignore[arg-type]
    for topic, payload in messages:
        publisher.publish(topic, payload)
    marker = readings(new_id(), 1)
    publisher.publish(gateway_topic(GW, Kind.TELEMETRY), encode(telemetry(GW, marker)))

    wait_until(
        lambda: _stored_ids(db, "sensor_data", [str(marker[0].id)]) == 1,
        what="the valid reading sent after the hostile messages",
    )
    for topic, payload in messages:
        wait_until(lambda t=topic, p=payload: _settled(db, after, t, p), what=f"{payload[:80]!r} settled")
    assert not worker.finished.is_set(), worker.error

    TicketEngine(sessions, TicketPolicy()).tick()  # raises if a stored value stops it
    _api_answers(client)


def test_huge_feature_values_neither_stop_the_engine_nor_poison_a_ticket(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine, sessions: sessionmaker[Session]
) -> None:
    # Finite but huge: a baseline of such features overflows to inf, and a driver's z to NaN, which a
    # ticket's JSON cannot store; before, the engine's tick failed on it every time, so no ticket opened.
    machine_id = new_id()
    now = datetime.now(UTC)
    template = predictions(GW, machine_id, 1).predictions[0]

    def verdict(i: int, risk: float, ts: datetime) -> Prediction:
        features = {"temperature_mean": 1e308, "rpm_std": -1e308 if i % 3 else 1e308}
        return msgspec.structs.replace(
            template, id=new_id(), seq=i, ts=ts, failure_prob=risk, fault=None, features=features
        )

    healthy = [verdict(i, 0.05, now - timedelta(minutes=30, seconds=i)) for i in range(10)]
    risky = [verdict(100 + i, 0.99, now - timedelta(seconds=10 - i)) for i in range(5)]
    publisher.publish(gateway_topic(GW, Kind.PREDICTIONS), encode(PredictionBatch(GW, now, healthy + risky)))
    wait_until(lambda: scalar(db, "SELECT count(*) FROM predictions") == 15, what="predictions stored")

    result = TicketEngine(sessions, TicketPolicy()).tick()
    assert result.opened == 1
    reason = scalar(db, "SELECT reason FROM maintenance_tickets")
    assert isinstance(reason, dict)
    assert all(math.isfinite(d["z"]) for d in reason["drivers"])
