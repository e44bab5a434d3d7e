"""GET /api/health: database, broker link and ingestion workers, against the real services."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from cloud.app import create_app
from cloud.auth.tokens import issue_access_token
from cloud.config import Settings
from cloud.ingestion.models import IngestionWorker
from maintainx.services import free_port

SECRET = "health-test-signing-key-0123456789abcdef"


def _token_headers() -> dict[str, str]:
    # A signed access token needs no database: health details stay readable while the database is down.
    token = issue_access_token(user_id=uuid.uuid4(), role="admin", key=SECRET, ttl_s=60).token
    return {"Authorization": f"Bearer {token}"}


pytestmark = pytest.mark.integration


def test_health_is_ok_with_database_broker_and_a_live_worker(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    now = datetime.now(UTC)
    with sessions.begin() as s:
        s.add(
            IngestionWorker(
                worker_id="w1",
                broker_connected=True,
                last_commit_at=now,
                newest_event_ts=now - timedelta(seconds=3),
                heartbeat_at=now,
            )
        )
        # A worker that stopped heartbeating long ago is not counted.
        s.add(IngestionWorker(worker_id="w0", heartbeat_at=now - timedelta(hours=1)))

    response = client.get("/api/health")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "error": None}
    assert body["broker"] == {"connected": True}
    assert body["ingestion"]["workers"] == 1
    assert body["ingestion"]["last_commit_at"].endswith("Z")
    assert 3.0 <= body["ingestion"]["lag_s"] < 30.0
    assert body["ingestion"]["lagging"] is False


def test_health_says_ingestion_is_lagging_when_the_newest_reading_is_old(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    now = datetime.now(UTC)
    with sessions.begin() as s:
        s.add(
            IngestionWorker(
                worker_id="w1",
                broker_connected=True,
                last_commit_at=now - timedelta(minutes=2),
                newest_event_ts=now - timedelta(minutes=2),
                heartbeat_at=now,
            )
        )

    ingestion = client.get("/api/health").json()["ingestion"]

    assert ingestion["lagging"] is True
    assert ingestion["lag_s"] > ingestion["lag_limit_s"] == 30.0


def test_health_is_degraded_without_ingestion_workers(client: TestClient) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "degraded"
    assert body["ingestion"] == {
        "workers": 0, "last_commit_at": None, "lag_s": None, "lagging": False, "lag_limit_s": 30.0
    }  # fmt: skip


def test_health_reports_a_broker_that_is_not_there(database_url: str, tmp_path: Path) -> None:
    settings = Settings(
        database_url=database_url, mqtt_url=f"mqtt://127.0.0.1:{free_port()}", auth_secret=SECRET
    )
    with TestClient(create_app(settings.model_copy(update={"dashboard_dir": tmp_path}))) as client:
        body = client.get("/api/health", headers=_token_headers()).json()
    assert body["status"] == "degraded"
    assert body["broker"] == {"connected": False}
    assert body["database"]["ok"] is True


def test_health_is_503_with_the_same_body_when_the_database_is_unreachable(
    pg_admin_url: str, tmp_path: Path
) -> None:
    missing = make_url(pg_admin_url).set(database="no_such_database").render_as_string(hide_password=False)
    settings = Settings(
        database_url=missing,
        mqtt_url=f"mqtt://127.0.0.1:{free_port()}",
        dashboard_dir=tmp_path,
        auth_secret=SECRET,
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/api/health", headers=_token_headers())
        anonymous = client.get("/api/health")
    assert anonymous.status_code == 503
    assert anonymous.json() == {"status": "degraded"}  # no database error text for strangers
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is False
    assert "no_such_database" in body["database"]["error"]
    assert body["ingestion"] == {
        "workers": 0, "last_commit_at": None, "lag_s": None, "lagging": False, "lag_limit_s": 30.0
    }  # fmt: skip


def test_without_a_token_health_says_only_its_status(anonymous: TestClient) -> None:
    response = anonymous.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded"}  # no ingestion worker in this test


def test_a_bad_token_gets_the_short_health_answer_not_a_401(anonymous: TestClient) -> None:
    response = anonymous.get("/api/health", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 200
    assert set(response.json()) == {"status"}
