"""The app as a whole: problem+json for unknown and failing routes, and serving the dashboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from cloud.app import create_app
from cloud.config import Settings

pytestmark = pytest.mark.integration

INDEX = "<!doctype html><title>MaintainX test dashboard</title><div id=root></div>"


@pytest.fixture
def built_dashboard(tmp_path: Path) -> Path:
    """A stand-in for dashboard/dist: an index.html and one asset."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "app.js").write_text("console.log('hi')")
    return dist


def test_the_dashboard_is_served_with_index_html_for_client_side_routes(
    settings: Settings, built_dashboard: Path, expect_problem: Any
) -> None:
    with TestClient(create_app(settings.model_copy(update={"dashboard_dir": built_dashboard}))) as client:
        root = client.get("/")
        deep = client.get("/machines/3f2c9a4e-0000-0000-0000-000000000000")
        tickets = client.get("/tickets")
        asset = client.get("/assets/app.js")
        missing_api = client.get("/api/no-such-endpoint")
        health = client.get("/api/health")
    for page in (root, deep, tickets):
        assert page.status_code == 200
        assert page.text == INDEX
        assert page.headers["content-type"].startswith("text/html")
    assert asset.text == "console.log('hi')"
    expect_problem(missing_api, 404, "no API endpoint at /api/no-such-endpoint")
    assert health.status_code == 200


def test_without_a_built_dashboard_the_root_says_how_to_build_it(
    client: TestClient, expect_problem: Any
) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "make dashboard" in page.text
    assert "make dashboard" in client.get("/tickets").text
    expect_problem(client.get("/api/nothing/here"), 404, "no API endpoint at /api/nothing/here")


@pytest.mark.parametrize("dashboard_built", [True, False])
def test_a_wrong_method_is_a_405_problem(
    settings: Settings, built_dashboard: Path, expect_problem: Any, dashboard_built: bool
) -> None:
    if dashboard_built:
        settings = settings.model_copy(update={"dashboard_dir": built_dashboard})
    with TestClient(create_app(settings)) as client:
        expect_problem(client.delete("/api/machines"), 405)
        expect_problem(client.put("/api/tickets"), 405)
        expect_problem(client.post("/api/tickets/3f2c9a4e-0000-0000-0000-000000000000"), 405)


def test_an_unexpected_error_is_a_500_problem_that_leaks_nothing(
    settings: Settings, expect_problem: Any
) -> None:
    app = create_app(settings)

    def explode() -> None:
        raise RuntimeError("password=hunter2 at /secret/path")

    # Ahead of the dashboard's catch-all route, which would answer otherwise.
    app.router.routes.insert(0, APIRoute("/api/explode", explode))
    with TestClient(app, raise_server_exceptions=False) as client:
        body = expect_problem(client.get("/api/explode"), 500)
    assert "hunter2" not in str(body) and "secret" not in str(body)


def test_the_openapi_schema_lists_every_endpoint(client: TestClient) -> None:
    paths = set(client.get("/openapi.json").json()["paths"])
    assert paths == {
        "/api/health",
        "/api/health/live",
        "/api/health/ready",
        "/api/auth/login",
        "/api/auth/demo",
        "/api/auth/me",
        "/api/auth/service-tokens",
        "/api/auth/service-tokens/{token_id}",
        "/api/users",
        "/api/users/{user_id}",
        "/api/users/{user_id}/areas",
        "/api/user-areas",
        "/api/sites",
        "/api/sites/{site_id}",
        "/api/lines",
        "/api/lines/{line_id}",
        "/api/machines",
        "/api/machines/{machine_id}",
        "/api/machines/{machine_id}/readings",
        "/api/machines/{machine_id}/predictions",
        "/api/machines/{machine_id}/approve",
        "/api/machines/{machine_id}/gateway",
        "/api/machines/{machine_id}/events",
        "/api/tickets",
        "/api/tickets/{ticket_id}",
        "/api/tickets/{ticket_id}/comments",
        "/api/tickets/{ticket_id}/events",
        "/api/tickets/{ticket_id}/reopen",
        "/api/tickets/{ticket_id}/cancel",
        "/api/tickets/{ticket_id}/work",
        "/api/tickets/{ticket_id}/time",
        "/api/tickets/{ticket_id}/parts",
        "/api/tickets/{ticket_id}/checklist/{position}",
        "/api/tickets/{ticket_id}/attachments",
        "/api/tickets/{ticket_id}/attachments/{attachment_id}",
        "/api/parts",
        "/api/parts/{part_id}",
        "/api/notices",
        "/api/notices/{notice_id}/acknowledge",
        "/api/pm-schedules",
        "/api/pm-schedules/{schedule_id}",
        "/api/gateways",
        "/api/gateways/{gateway_id}",
        "/api/gateways/{gateway_id}/gaps",
        "/api/stream",
        "/api/registry/blobs/{sha256}",
        "/api/registry/models",
        "/api/registry/models/{ref}",
        "/api/registry/aliases/{alias}",
        "/api/registry/rollouts",
        "/api/registry/rollouts/{rollout_id}",
        "/api/registry/rollouts/{rollout_id}/advance",
        "/api/registry/rollouts/{rollout_id}/rollback",
        "/api/registry/gateways/{gateway_id}/runs",
        "/api/registry/gateways/{gateway_id}/deployments",
        "/api/policy",
        "/api/policy/knobs",
        "/api/kpis",
        "/api/exports/{dataset}.csv",
        "/api/notifications/channels",
        "/api/notifications/channels/{channel_id}",
        "/api/notifications/channels/{channel_id}/test",
        "/api/notifications/rules",
        "/api/notifications/rules/{rule_id}",
        "/api/notifications/deliveries",
        "/api/notifications/preferences",
        "/api/notifications/preferences/{channel_id}",
    }
