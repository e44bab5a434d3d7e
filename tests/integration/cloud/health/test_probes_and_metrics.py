"""Liveness, readiness and the API's /metrics, on the real app with a real database."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from cloud.app import create_app
from cloud.config import Settings

pytestmark = pytest.mark.integration


def test_live_and_ready_answer_without_a_token_and_say_nothing_more(anonymous: TestClient) -> None:
    live = anonymous.get("/api/health/live")
    ready = anonymous.get("/api/health/ready")
    assert (live.status_code, live.json()) == (200, {"status": "alive"})
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


def test_ready_is_503_and_live_200_when_the_database_is_unreachable(settings: Settings) -> None:
    # Port 9 on loopback refuses connections: a database that is down.
    down = settings.model_copy(update={"database_url": "postgresql+psycopg2://x:y@127.0.0.1:9/none"})
    with TestClient(create_app(down)) as client:
        assert client.get("/api/health/ready").status_code == 503
        assert client.get("/api/health/ready").json() == {"status": "not ready"}
        assert client.get("/api/health/live").status_code == 200
        # The health check of today keeps its behaviour.
        assert client.get("/api/health").status_code == 503


def test_metrics_count_requests_by_route_template_and_status(client: TestClient) -> None:
    client.get("/api/health/live")
    assert client.get("/api/machines/not-a-uuid").status_code == 422
    text = client.get("/metrics").text
    assert 'maintainx_api_requests_total{method="GET",route="/api/health/live",status="200"}' in text
    assert 'route="/api/machines/{machine_id}",status="422"' in text
    assert "maintainx_api_request_seconds_bucket" in text
