"""CORS is off by default (the dashboard is same-origin) and allows only the configured origins."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from cloud.app import create_app
from cloud.config import Settings

pytestmark = pytest.mark.integration

PREFLIGHT = {"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}


def test_by_default_no_origin_is_allowed(anonymous: TestClient) -> None:
    response = anonymous.options("/api/machines", headers=PREFLIGHT)
    assert "access-control-allow-origin" not in response.headers
    plain = anonymous.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in plain.headers


def test_configured_origins_are_allowed_and_others_are_not(settings: Settings) -> None:
    allowed = settings.model_copy(update={"cors_origins": ["https://ops.example.com"]})
    with TestClient(create_app(allowed)) as client:
        ok = client.options("/api/machines", headers=PREFLIGHT | {"Origin": "https://ops.example.com"})
        evil = client.options("/api/machines", headers=PREFLIGHT)
    assert ok.headers["access-control-allow-origin"] == "https://ops.example.com"
    assert "access-control-allow-origin" not in evil.headers
