"""Stored times at the edges of what PostgreSQL and Python hold never make the API answer 500 or stop the
storage job; time ranges outside what the API serves are a 422 naming the allowed range."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cloud.config import Settings
from cloud.db import make_engine
from cloud.ingestion.heartbeat import Progress, write_heartbeat
from cloud.storage.maintenance import run_maintenance

pytestmark = pytest.mark.integration

# Year 10000 and year 0 once PostgreSQL converts them to UTC, as a wrong or hostile gateway could send them
# before ingestion checked event times (or as anyone with database access could write them).
EXTREMES = ("9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "infinity", "-infinity")


def _store_extremes(sessions: sessionmaker[Session], machine_id: uuid.UUID) -> None:
    with sessions.begin() as s:
        for i, ts in enumerate(EXTREMES):
            row = {"ts": ts, "m": machine_id, "seq": i}
            s.execute(
                sa.text(
                    'INSERT INTO sensor_data (id, machine_id, "timestamp", temperature, vibration, rpm, '
                    "gateway_id, seq) VALUES (gen_random_uuid(), :m, CAST(:ts AS timestamptz), 60, 2, 1500, "
                    "'gw-01', :seq)"
                ),
                row,
            )
            s.execute(
                sa.text(
                    'INSERT INTO predictions (id, machine_id, "timestamp", failure_prob, is_anomaly, '
                    "anomaly_score, model_version, gateway_id, seq) VALUES (gen_random_uuid(), :m, "
                    "CAST(:ts AS timestamptz), 0.99, true, 0.9, 'm-1', 'gw-01', :seq)"
                ),
                row,
            )
        s.execute(
            sa.text("UPDATE gateways SET last_seen = CAST(:ts AS timestamptz)"),
            {"ts": EXTREMES[0]},
        )
        s.execute(
            sa.text(
                "INSERT INTO ingestion_workers (worker_id, broker_connected, last_commit_at, "
                "newest_event_ts, heartbeat_at) VALUES ('w1', true, now(), CAST(:ts AS timestamptz), now())"
            ),
            {"ts": EXTREMES[0]},
        )


def test_year_10000_and_year_0_rows_leave_every_api_answering(
    client: TestClient, seed: Any, sessions: sessionmaker[Session]
) -> None:
    seed.gateway("gw-01")
    machine = seed.machine("Pump 01", gateway_id="gw-01")
    _store_extremes(sessions, machine)

    for path in (
        "/api/machines",
        f"/api/machines/{machine}",
        "/api/gateways",
        "/api/gateways/gw-01",
        "/api/health",
        f"/api/machines/{machine}/readings",
        f"/api/machines/{machine}/predictions",
        f"/api/machines/{machine}/readings?start=1970-01-01T00:00:00Z&end=2200-01-01T00:00:00Z",
        f"/api/machines/{machine}/predictions?start=1970-01-01T00:00:00Z&end=2200-01-01T00:00:00Z",
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)
    (gateway,) = client.get("/api/gateways").json()
    assert gateway["last_seen"] == "9999-12-31T23:59:59.999999Z"


def test_storage_maintenance_completes_with_year_10000_and_year_0_rows(
    settings: Settings, seed: Any, sessions: sessionmaker[Session]
) -> None:
    seed.gateway("gw-01")
    _store_extremes(sessions, seed.machine("Pump 01", gateway_id="gw-01"))
    settings = settings.model_copy(update={"storage_retention_days": 30})

    run_maintenance(settings, threading.Event(), once=True)

    with sessions() as s:
        left = s.execute(sa.text('SELECT count(*) FROM sensor_data WHERE "timestamp" > now()')).scalar()
        gone = s.execute(
            sa.text("SELECT count(*) FROM sensor_data WHERE \"timestamp\" < '1970-01-01'")
        ).scalar()
    # Retention removed what is older than it; the future rows wait harmlessly in the DEFAULT partition.
    assert (left, gone) == (2, 0)


@pytest.mark.parametrize("which", ["readings", "predictions"])
@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("start", "0001-01-01T00:00:00Z"),
        ("end", "9999-12-31T23:59:59Z"),
        ("end", "9999-12-31T23:59:59-01:00"),
        ("start", "0001-01-01T00:00:00+01:00"),
    ],
)
def test_a_time_range_outside_what_the_api_serves_is_a_422_naming_the_allowed_range(
    client: TestClient, seed: Any, expect_problem: Any, which: str, param: str, value: str
) -> None:
    machine = seed.machine("Pump 01")
    response = client.get(f"/api/machines/{machine}/{which}", params={param: value})
    body = expect_problem(response, 422, f"{param} {value[:19]}")
    assert "1970-01-01T00:00:00Z to 2200-01-01T00:00:00Z" in body["detail"]


def test_a_worker_heartbeat_replaces_a_newest_event_time_stored_in_year_10000(
    database_url: str, seed: Any, sessions: sessionmaker[Session]
) -> None:
    seed.gateway("gw-01")
    _store_extremes(sessions, seed.machine("Pump 01", gateway_id="gw-01"))
    now = datetime.now(UTC)
    engine = make_engine(database_url)
    raw: Any = engine.raw_connection()
    try:
        write_heartbeat(raw.driver_connection, "w1", True, Progress(newest_event_ts=now))
    finally:
        raw.close()
        engine.dispose()
    with sessions() as s:
        assert s.execute(sa.text("SELECT newest_event_ts FROM ingestion_workers")).scalar() == now
