"""GET /api/gateways against a real database."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.integration


def test_gateways_are_listed_with_their_status_and_machine_count(client: TestClient, seed: Any) -> None:
    seed.gateway(
        "gw-02",
        online=True,
        agent_version="0.1.0",
        model_version="m-3",
        outbox_depth=42,
        dropped={"outbox_full": 7},
        last_error="model latency over budget",
        clock_offset_s=-600.25,
        late_rows=3,
    )
    seed.gateway("gw-01", online=False)
    seed.machine("Pump 01", gateway_id="gw-02")
    seed.machine("Pump 02", gateway_id="gw-02")

    body = client.get("/api/gateways").json()

    assert [g["id"] for g in body] == ["gw-01", "gw-02"]
    idle, busy = body
    assert idle["online"] is False and idle["machine_count"] == 0 and idle["dropped"] == {}
    assert busy == {
        "id": "gw-02",
        "online": True,
        "last_seen": busy["last_seen"],
        "agent_version": "0.1.0",
        "model_version": "m-3",
        "outbox_depth": 42,
        "dropped": {"outbox_full": 7},
        "last_error": "model latency over budget",
        "machine_count": 2,
        "pending_machines": 0,
        "foreign_rows": 0,
        "clock_offset_s": -600.25,
        "clock_offset_at": None,
        "late_rows": 3,
    }
    assert busy["last_seen"].endswith("Z")


def test_no_gateways_is_an_empty_list(client: TestClient) -> None:
    assert client.get("/api/gateways").json() == []


def test_gateways_are_read_one_by_one(client: TestClient, seed: Any, expect_problem: Any) -> None:
    seed.gateway("gw-07", agent_version="1.2.0")
    seed.machine("Pump 03", gateway_id="gw-07")
    body = client.get("/api/gateways/gw-07").json()
    assert body["agent_version"] == "1.2.0" and body["machine_count"] == 1
    expect_problem(client.get("/api/gateways/gw-08"), 404, "gateway gw-08 does not exist")
