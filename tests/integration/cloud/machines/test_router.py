"""GET /api/machines and /api/machines/{id} against a real database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cloud.tickets.models import TicketStatus

pytestmark = pytest.mark.integration


def test_machines_are_listed_by_name_with_their_live_state(client: TestClient, seed: Any) -> None:
    seed.gateway("gw-01", online=True)
    seed.gateway("gw-02", online=False)
    pump = seed.machine("Pump 03", gateway_id="gw-01", location="Hall A")
    fan = seed.machine("Fan 01", gateway_id="gw-02")
    lonely = seed.machine("Zebra press")
    now = datetime.now(UTC)
    seed.readings(pump, [now - timedelta(seconds=10), now - timedelta(seconds=1)], temperature=71.5)
    seed.predictions(pump, [0.2, 0.4, 0.83], end=now, faults=[None, None, "cooling_fault"])
    seed.ticket(pump, status=TicketStatus.IN_PROGRESS)
    seed.ticket(pump, status=TicketStatus.RESOLVED, resolved_at=now)

    response = client.get("/api/machines")

    assert response.status_code == 200
    body = response.json()
    assert [m["name"] for m in body] == ["Fan 01", "Pump 03", "Zebra press"]
    fan_body, pump_body, lonely_body = body
    assert pump_body["id"] == str(pump)
    assert pump_body["online"] is True
    assert pump_body["location"] == "Hall A"
    assert pump_body["gateway_id"] == "gw-01"
    assert pump_body["latest_reading"]["temperature"] == 71.5
    assert pump_body["latest_reading"]["ts"].endswith("Z")
    assert pump_body["latest_prediction"]["failure_prob"] == 0.83
    assert pump_body["latest_prediction"]["model_version"] == "test-model-1"
    assert pump_body["latest_prediction"]["fault"] == "cooling_fault"
    assert pump_body["open_tickets"] == 1
    assert fan_body["id"] == str(fan)
    assert fan_body["online"] is False
    assert fan_body["latest_reading"] is None and fan_body["latest_prediction"] is None
    assert fan_body["open_tickets"] == 0
    assert lonely_body["id"] == str(lonely)
    assert lonely_body["online"] is False and lonely_body["gateway_id"] is None


def test_one_machine_is_returned_by_id(client: TestClient, seed: Any) -> None:
    machine_id = seed.machine("Pump 03")
    response = client.get(f"/api/machines/{machine_id}")
    assert response.status_code == 200
    assert response.json()["name"] == "Pump 03"
    assert set(response.json()) == {
        "id", "name", "type", "location", "created_at", "gateway_id", "online",
        "latest_reading", "latest_prediction", "open_tickets", "last_repair_at", "line_id", "line_name",
        "site_id", "site_name", "pending", "engineer_fields",
    }  # fmt: skip


def test_an_unknown_machine_is_a_404_problem(client: TestClient, expect_problem: Any) -> None:
    missing = uuid.uuid4()
    expect_problem(client.get(f"/api/machines/{missing}"), 404, f"machine {missing} does not exist")


def test_a_malformed_machine_id_is_a_422_problem_naming_the_parameter(
    client: TestClient, expect_problem: Any
) -> None:
    body = expect_problem(client.get("/api/machines/not-a-uuid"), 422)
    assert body["errors"][0]["loc"] == ["path", "machine_id"]
    assert body["errors"][0]["msg"]
