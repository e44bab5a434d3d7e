"""Sites -> lines -> machines over HTTP: CRUD by engineers, placement, and what may not be deleted."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.cloud.machines.kit import make

pytestmark = pytest.mark.integration


def test_a_machine_is_placed_on_a_line_of_a_site_and_filtered_by_either(
    client: TestClient, seed: Any
) -> None:
    lyon = make(client, "/api/sites", {"name": "Lyon", "description": "main plant"})
    porto = make(client, "/api/sites", {"name": "Porto"})
    l1 = make(client, "/api/lines", {"site_id": lyon["id"], "name": "L1"})
    p1 = make(client, "/api/lines", {"site_id": porto["id"], "name": "P1"})
    pump = seed.machine("Pump 03")
    fan = make(client, "/api/machines", {"name": "Fan 01", "type": "fan", "line_id": p1["id"]})

    placed = client.patch(f"/api/machines/{pump}", json={"line_id": l1["id"]})

    assert placed.status_code == 200, placed.text
    assert placed.json()["line_name"] == "L1" and placed.json()["site_name"] == "Lyon"
    assert placed.json()["site_id"] == lyon["id"] and placed.json()["name"] == "Pump 03"
    assert fan["line_id"] == p1["id"] and fan["online"] is False and fan["open_tickets"] == 0
    in_lyon = client.get("/api/machines", params={"site_id": lyon["id"]}).json()
    assert [m["name"] for m in in_lyon] == ["Pump 03"]
    assert [m["name"] for m in client.get("/api/machines", params={"line_id": p1["id"]}).json()] == ["Fan 01"]
    sites = client.get("/api/sites").json()
    assert [(s["name"], s["line_count"]) for s in sites] == [("Lyon", 1), ("Porto", 1)]
    lines = client.get("/api/lines", params={"site_id": lyon["id"]}).json()
    assert [(line["name"], line["site_name"], line["machine_count"]) for line in lines] == [("L1", "Lyon", 1)]


def test_names_are_unique_per_level_as_409_problems(client: TestClient, expect_problem: Any) -> None:
    site = make(client, "/api/sites", {"name": "Lyon"})
    other = make(client, "/api/sites", {"name": "Porto"})
    make(client, "/api/lines", {"site_id": site["id"], "name": "L1"})
    make(client, "/api/lines", {"site_id": other["id"], "name": "L1"})  # fine on another site
    expect_problem(client.post("/api/sites", json={"name": "Lyon"}), 409, "exists")
    expect_problem(client.patch(f"/api/sites/{other['id']}", json={"name": "Lyon"}), 409, "exists")
    expect_problem(client.post("/api/lines", json={"site_id": site["id"], "name": "L1"}), 409, "already has")


def test_nothing_in_use_can_be_deleted_and_empty_things_can(
    client: TestClient, seed: Any, expect_problem: Any
) -> None:
    site = make(client, "/api/sites", {"name": "Lyon"})
    line = make(client, "/api/lines", {"site_id": site["id"], "name": "L1"})
    machine = make(client, "/api/machines", {"name": "Pump 09", "type": "pump", "line_id": line["id"]})
    seed.ticket(seed.machine("Pump 03"))
    with_history = seed.machine("Fan 02")
    seed.ticket(with_history)

    expect_problem(client.delete(f"/api/sites/{site['id']}"), 409, "still has lines")
    expect_problem(client.delete(f"/api/lines/{line['id']}"), 409, "still has machines")
    expect_problem(client.delete(f"/api/machines/{with_history}"), 409, "history is kept")
    assert client.delete(f"/api/machines/{machine['id']}").status_code == 204
    assert client.delete(f"/api/lines/{line['id']}").status_code == 204
    assert client.delete(f"/api/sites/{site['id']}").status_code == 204
    expect_problem(client.get(f"/api/sites/{site['id']}"), 404, "does not exist")
    expect_problem(client.get(f"/api/machines/{machine['id']}"), 404)


def test_references_to_missing_sites_lines_and_gateways_are_422_naming_the_field(
    client: TestClient, expect_problem: Any
) -> None:
    missing = "01930000-0000-7000-8000-000000000000"
    cases = [
        ("/api/lines", {"site_id": missing, "name": "L1"}, "site_id"),
        ("/api/machines", {"name": "M", "type": "pump", "line_id": missing}, "line_id"),
        ("/api/machines", {"name": "M", "type": "pump", "gateway_id": "gw-nowhere"}, "gateway_id"),
    ]
    for path, body, field in cases:
        problem = expect_problem(client.post(path, json=body), 422)
        assert problem["errors"][0]["loc"] == ["body", field]


def test_a_line_moves_to_another_site_and_a_machine_leaves_its_line(client: TestClient) -> None:
    lyon = make(client, "/api/sites", {"name": "Lyon"})
    porto = make(client, "/api/sites", {"name": "Porto"})
    line = make(client, "/api/lines", {"site_id": lyon["id"], "name": "L1"})
    machine = make(client, "/api/machines", {"name": "Pump", "type": "pump", "line_id": line["id"]})
    moved = client.patch(f"/api/lines/{line['id']}", json={"site_id": porto["id"], "name": "P9"})
    assert moved.json()["site_name"] == "Porto" and moved.json()["name"] == "P9"
    assert client.get(f"/api/machines/{machine['id']}").json()["site_name"] == "Porto"
    off = client.patch(f"/api/machines/{machine['id']}", json={"line_id": None})
    assert off.json()["line_id"] is None and off.json()["site_id"] is None
