"""Technicians belong to sites and lines: set by engineers over HTTP, read back named, and used by the engine
to assign new tickets (line first, then site, then the free-text location of people placed nowhere)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cloud.engine.runner import TicketEngine
from cloud.tickets.models import MaintenanceTicket
from cloud.users.models import UserRole
from tests.integration.cloud.machines.kit import make

pytestmark = pytest.mark.integration


def test_an_engineer_sets_a_technicians_sites_and_lines_and_everyone_reads_them_named(
    anonymous: TestClient, login: Any, seed: Any, expect_problem: Any
) -> None:
    engineer, tech = login(UserRole.ENGINEER), login(UserRole.TECHNICIAN)
    anonymous.headers.update(engineer.headers)
    lyon = make(anonymous, "/api/sites", {"name": "Lyon"})
    porto = make(anonymous, "/api/sites", {"name": "Porto"})
    l1 = make(anonymous, "/api/lines", {"site_id": lyon["id"], "name": "L1"})
    body = {"site_ids": [porto["id"], porto["id"]], "line_ids": [l1["id"]]}

    answer = anonymous.put(f"/api/users/{tech.id}/areas", json=body)

    assert answer.status_code == 200, answer.text
    areas = answer.json()
    assert [s["name"] for s in areas["sites"]] == ["Porto"]  # a duplicate counts once
    assert [(ln["name"], ln["site_name"]) for ln in areas["lines"]] == [("L1", "Lyon")]
    read = anonymous.get(f"/api/users/{tech.id}/areas", headers=tech.headers).json()
    assert read == areas
    assert [a["user_id"] for a in anonymous.get("/api/user-areas").json()] == [str(tech.id)]
    nobody = anonymous.get(f"/api/users/{engineer.id}/areas").json()
    assert nobody == {"user_id": str(engineer.id), "sites": [], "lines": []}

    # Technicians do not place people; unknown people, sites and lines are named in the answer.
    expect_problem(anonymous.put(f"/api/users/{tech.id}/areas", json=body, headers=tech.headers), 403)
    expect_problem(anonymous.put(f"/api/users/{uuid.uuid4()}/areas", json=body), 404, "does not exist")
    missing = str(uuid.uuid4())
    bad = anonymous.put(f"/api/users/{tech.id}/areas", json={"line_ids": [l1["id"], missing]})
    problem = expect_problem(bad, 422, missing)
    assert problem["errors"][0]["loc"] == ["body", "line_ids", "1"]
    expect_problem(anonymous.put(f"/api/users/{tech.id}/areas", json={"site_ids": ["x"]}), 422)
    assert anonymous.get(f"/api/users/{tech.id}/areas").json() == areas  # a refused change changed nothing

    # Deleting an empty place ends its crew's membership instead of blocking the delete.
    assert anonymous.delete(f"/api/sites/{porto['id']}").status_code == 204
    assert anonymous.get(f"/api/users/{tech.id}/areas").json()["sites"] == []
    assert anonymous.put(f"/api/users/{tech.id}/areas", json={}).json()["lines"] == []


def test_names_are_trimmed_so_a_trailing_space_is_the_same_name_and_blank_is_refused(
    client: TestClient, expect_problem: Any
) -> None:
    site = make(client, "/api/sites", {"name": "  Lyon "})
    assert site["name"] == "Lyon"
    expect_problem(client.post("/api/sites", json={"name": "Lyon "}), 409, "exists")
    expect_problem(client.post("/api/sites", json={"name": "   "}), 422)
    make(client, "/api/lines", {"site_id": site["id"], "name": "L1"})
    expect_problem(client.post("/api/lines", json={"site_id": site["id"], "name": " L1"}), 409, "already has")


def _ticket_holder(sessions: sessionmaker[Session], machine_id: uuid.UUID) -> uuid.UUID | None:
    with sessions() as s:
        return s.scalars(
            sa.select(MaintenanceTicket.technician_id).where(MaintenanceTicket.machine_id == machine_id)
        ).one()


def test_new_tickets_go_to_the_lines_technician_then_the_sites_then_by_location(
    client: TestClient, seed: Any, sessions: sessionmaker[Session]
) -> None:
    lyon = make(client, "/api/sites", {"name": "Lyon"})
    l1 = make(client, "/api/lines", {"site_id": lyon["id"], "name": "L1"})
    l2 = make(client, "/api/lines", {"site_id": lyon["id"], "name": "L2"})
    on_l1 = seed.machine("Pump 01", line_id=uuid.UUID(l1["id"]), location="Hall A")
    on_l2 = seed.machine("Pump 02", line_id=uuid.UUID(l2["id"]), location="Hall A")
    unplaced_machine = seed.machine("Pump 03", location="Hall B")
    # Loads: the line's technician is the busiest, so only the rule can pick her.
    line_tech = seed.user("Lea Line")
    site_tech = seed.user("Sam Site")
    local = seed.user("Bob Local", location="Hall B")
    seed.user("Ann Anywhere")
    for holder in (line_tech, line_tech, site_tech):
        seed.ticket(seed.machine("Old"), technician_id=holder)
    client.put(f"/api/users/{line_tech}/areas", json={"line_ids": [l1["id"]]}).raise_for_status()
    client.put(f"/api/users/{site_tech}/areas", json={"site_ids": [lyon["id"]]}).raise_for_status()
    # Bob is placed nowhere, so his free-text location still counts for machines nobody covers.
    for machine in (on_l1, on_l2, unplaced_machine):
        seed.predictions(machine, [0.85, 0.86, 0.87])

    assert TicketEngine(sessions).tick().opened == 3

    assert _ticket_holder(sessions, on_l1) == line_tech
    assert _ticket_holder(sessions, on_l2) == site_tech  # L2 has nobody: the site's technician
    assert _ticket_holder(sessions, unplaced_machine) == local


def test_the_fleet_list_costs_the_same_number_of_queries_for_3_or_40_machines(
    client: TestClient, seed: Any
) -> None:
    engine = client.app.state.session_factory.kw["bind"]  # type: ignore[attr-defined]
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    def queries_for_fleet() -> tuple[int, int]:
        statements.clear()
        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            answer = client.get("/api/machines")
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
        return len(statements), len(answer.json())

    for k in range(3):
        seed.predictions(seed.machine(f"M{k:02}"), [0.1, 0.2])
    few = queries_for_fleet()
    for k in range(3, 40):
        seed.predictions(seed.machine(f"M{k:02}"), [0.1, 0.2])
    many = queries_for_fleet()

    assert few[1] == 3 and many[1] == 40
    assert few[0] == many[0]
