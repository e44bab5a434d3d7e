"""Object-level authorisation (OWASP API1): every route that takes an object id, tried by the wrong person.

Reads are open to every signed-in role (a technician sees the whole board); changes are not: technicians
change only tickets assigned to them, engineers the floor plan, admins people and service tokens.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cloud.config import Settings
from cloud.db import make_engine, session_factory
from cloud.registry.models import ModelVersion, Rollout
from cloud.registry.store import store_for
from cloud.tickets.models import TicketStatus
from cloud.users.models import UserRole

from .conftest import api_routes, fill

pytestmark = pytest.mark.integration


@dataclass
class World:
    """Two technicians, an engineer, an admin, and one of every object, some owned by technician A."""

    a: Any
    b: Any
    engineer: Any
    admin: Any
    ids: dict[str, Any]
    tickets: dict[str, uuid.UUID]


def _registry_objects(settings: Settings, database_url: str, tmp_path: Path) -> dict[str, Any]:
    """A stored model version (with its artifact bytes) and a rollout of it, for the registry's id routes."""
    artifact = tmp_path / "model.onnx"
    artifact.write_bytes(b"not a real model: the blob route serves bytes by hash")
    sha256, size = store_for(settings.data_dir).put_file(artifact)
    engine = make_engine(database_url)
    with session_factory(engine).begin() as db:
        version = ModelVersion(
            version="v-test", name="maintainx-failure", sha256=sha256, size=size, manifest={}
        )
        db.add(version)
        db.flush()
        rollout = Rollout(
            id=uuid.uuid4(),
            version_id=version.id,
            target_key="all",
            stages=[1.0],
            latency_budget_ms=50.0,
        )
        db.add(rollout)
    engine.dispose()
    return {"ref": "v-test", "sha256": sha256, "rollout_id": rollout.id, "alias": "champion"}


@pytest.fixture
def world(
    anonymous: TestClient,
    login: Any,
    admin: Any,
    seed: Any,
    settings: Settings,
    database_url: str,
    tmp_path: Path,
) -> World:
    a = login(UserRole.TECHNICIAN, "Tech A")
    b = login(UserRole.TECHNICIAN, "Tech B")
    engineer = login(UserRole.ENGINEER, "Erin Engineer")
    seed.gateway("gw-01")
    machine = seed.machine("Pump 03", gateway_id="gw-01")
    site = anonymous.post("/api/sites", json={"name": "Lyon"}, headers=admin.headers).json()["id"]
    line = anonymous.post("/api/lines", json={"site_id": site, "name": "L1"}, headers=admin.headers).json()[
        "id"
    ]
    token = anonymous.post("/api/auth/service-tokens", json={"name": "ci"}, headers=admin.headers).json()[
        "id"
    ]
    tickets = {
        "of_a": seed.ticket(machine, fault="f-a", technician_id=a.id, status=TicketStatus.IN_PROGRESS),
        "of_b": seed.ticket(machine, fault="f-b", technician_id=b.id, status=TicketStatus.IN_PROGRESS),
        "unassigned": seed.ticket(machine, fault="f-none"),
    }
    headers = admin.headers
    schedule = anonymous.post(
        "/api/pm-schedules",
        json={"name": "Monthly", "machine_id": str(machine), "rule": {"kind": "every", "every": 30}},
        headers=headers,
    ).json()["id"]
    part = anonymous.post(
        "/api/parts", json={"sku": "P-1", "name": "Belt", "stock": 3}, headers=headers
    ).json()
    attachment = anonymous.post(
        f"/api/tickets/{tickets['of_b']}/attachments", content=b"belt worn\n", headers=headers
    ).json()["id"]
    channel = anonymous.post(
        "/api/notifications/channels", json={"name": "Shift mail", "kind": "email"}, headers=headers
    ).json()["id"]
    rule = anonymous.post(
        "/api/notifications/rules",
        json={"name": "Critical", "channel_id": channel, "events": ["opened"], "roles": ["engineer"]},
        headers=headers,
    ).json()["id"]
    ids = {
        "ticket_id": tickets["of_b"],
        "channel_id": channel,
        "rule_id": rule,
        "schedule_id": schedule,
        "part_id": part["id"],
        "attachment_id": attachment,
        "position": 0,
        "notice_id": 1,
        "machine_id": machine,
        "site_id": site,
        "line_id": line,
        "gateway_id": "gw-01",
        "user_id": b.id,
        "token_id": token,
        "dataset": "tickets",  # GET /api/exports/{dataset}.csv: a kind of data, not an object
        **_registry_objects(settings, database_url, tmp_path),
    }
    return World(a, b, engineer, admin, ids, tickets)


# What a technician (A) sends to change another's object, and the status it must get. Bodies are valid,
# so a 403 can only come from the permission check.
TECHNICIAN_CHANGES: dict[tuple[str, str], tuple[dict[str, Any] | None, int]] = {
    ("PATCH", "/api/tickets/{ticket_id}"): ({"status": "RESOLVED", "outcome": "FALSE_ALARM"}, 403),
    ("POST", "/api/tickets/{ticket_id}/comments"): ({"text": "not mine"}, 403),
    ("POST", "/api/tickets/{ticket_id}/reopen"): ({"reason": "not mine"}, 403),
    ("POST", "/api/tickets/{ticket_id}/cancel"): ({"reason": "not mine"}, 403),
    ("POST", "/api/tickets/{ticket_id}/time"): ({"minutes": 5}, 403),
    ("POST", "/api/tickets/{ticket_id}/parts"): ({"part_id": str(uuid.uuid4()), "quantity": 1}, 403),
    ("PUT", "/api/tickets/{ticket_id}/checklist/{position}"): ({"result": "DONE"}, 403),
    # The JSON body is the file's bytes here: refused before they are looked at.
    ("POST", "/api/tickets/{ticket_id}/attachments"): ({"text": "not mine"}, 403),
    ("PUT", "/api/parts/{part_id}"): ({"sku": "X-1", "name": "Stolen", "stock": 0}, 403),
    ("POST", "/api/notices/{notice_id}/acknowledge"): ({}, 403),
    ("PUT", "/api/pm-schedules/{schedule_id}"): (
        {"name": "x", "machine_type": "pump", "rule": {"kind": "every", "every": 1}},
        403,
    ),
    ("DELETE", "/api/pm-schedules/{schedule_id}"): (None, 403),
    ("PATCH", "/api/notifications/channels/{channel_id}"): ({"name": "Renamed"}, 403),
    ("DELETE", "/api/notifications/channels/{channel_id}"): (None, 403),
    ("POST", "/api/notifications/channels/{channel_id}/test"): (None, 403),
    ("PUT", "/api/notifications/rules/{rule_id}"): (
        {"name": "Mine", "channel_id": str(uuid.uuid4()), "events": ["opened"], "roles": ["technician"]},
        403,
    ),
    ("DELETE", "/api/notifications/rules/{rule_id}"): (None, 403),
    ("PATCH", "/api/users/{user_id}"): ({"full_name": "Hijacked"}, 403),
    ("PUT", "/api/users/{user_id}/areas"): ({"site_ids": [], "line_ids": []}, 403),
    ("DELETE", "/api/auth/service-tokens/{token_id}"): (None, 403),
    ("PATCH", "/api/machines/{machine_id}"): ({"name": "Renamed"}, 403),
    ("DELETE", "/api/machines/{machine_id}"): (None, 403),
    ("POST", "/api/machines/{machine_id}/approve"): ({}, 403),
    ("PUT", "/api/machines/{machine_id}/gateway"): ({"gateway_id": "gw-01"}, 403),
    ("PATCH", "/api/sites/{site_id}"): ({"name": "Renamed"}, 403),
    ("DELETE", "/api/sites/{site_id}"): (None, 403),
    ("PATCH", "/api/lines/{line_id}"): ({"name": "Renamed"}, 403),
    ("DELETE", "/api/lines/{line_id}"): (None, 403),
    # Engineers manage models; a technician is refused before anything is looked up or published.
    ("PUT", "/api/registry/aliases/{alias}"): ({"version": "v-test"}, 403),
    ("POST", "/api/registry/rollouts/{rollout_id}/advance"): ({"force": True}, 403),
    ("POST", "/api/registry/rollouts/{rollout_id}/rollback"): ({}, 403),
}


def _id_routes() -> list[tuple[str, str]]:
    return [(method, path) for method, path in api_routes() if "{" in path]


# Routes whose id names a thing but whose change is the caller's own (a person's switch for a channel):
# nobody can reach another person's row through them (checked below).
OWN_CHANGES = {("PUT", "/api/notifications/preferences/{channel_id}")}


def test_every_route_with_an_object_id_is_in_the_matrix() -> None:
    # A new route that takes an id must get a row here (or be a read, checked below).
    changes = {route for route in _id_routes() if route[0] != "GET"}
    assert changes == set(TECHNICIAN_CHANGES) | OWN_CHANGES


def test_a_persons_channel_switch_changes_only_their_own(anonymous: TestClient, world: World) -> None:
    channel = world.ids["channel_id"]
    off = anonymous.put(
        f"/api/notifications/preferences/{channel}", json={"enabled": False}, headers=world.a.headers
    )
    assert off.status_code == 200 and off.json()["enabled"] is False
    mine = anonymous.get("/api/notifications/preferences", headers=world.a.headers).json()
    theirs = anonymous.get("/api/notifications/preferences", headers=world.b.headers).json()
    assert [p["enabled"] for p in mine if p["channel_id"] == channel] == [False]
    assert [p["enabled"] for p in theirs if p["channel_id"] == channel] == [True]


def test_a_technician_cannot_change_anyone_elses_objects(
    anonymous: TestClient, world: World, expect_problem: Any
) -> None:
    for (method, path), (body, status) in TECHNICIAN_CHANGES.items():
        response = anonymous.request(method, fill(path, **world.ids), json=body, headers=world.a.headers)
        expect_problem(response, status)
    # Nothing changed.
    ticket = anonymous.get(f"/api/tickets/{world.tickets['of_b']}", headers=world.admin.headers).json()
    assert ticket["status"] == "IN_PROGRESS"
    events = anonymous.get(f"/api/tickets/{world.tickets['of_b']}/events", headers=world.admin.headers).json()
    assert [e["kind"] for e in events] == ["attachment"]  # the world's own upload, by the admin
    assert (
        anonymous.get(f"/api/users/{world.b.id}", headers=world.admin.headers).json()["full_name"] == "Tech B"
    )


def test_every_read_with_an_object_id_is_open_to_every_role(anonymous: TestClient, world: World) -> None:
    reads = [(m, p) for m, p in _id_routes() if m == "GET"]
    assert len(reads) >= 8
    for caller in (world.a, world.engineer, world.admin):
        for _, path in reads:
            response = anonymous.get(fill(path, **world.ids), headers=caller.headers)
            assert response.status_code == 200, (caller.role, path, response.text)


def test_a_technician_works_their_own_ticket_and_may_take_an_unassigned_one(
    anonymous: TestClient, world: World
) -> None:
    own = world.tickets["of_a"]
    resolve = {"status": "RESOLVED", "outcome": "CONFIRMED_FAULT", "root_cause": "seal"}
    assert (
        anonymous.post(
            f"/api/tickets/{own}/comments", json={"text": "on it"}, headers=world.a.headers
        ).status_code
        == 201
    )
    assert anonymous.patch(f"/api/tickets/{own}", json=resolve, headers=world.a.headers).status_code == 200

    free = world.tickets["unassigned"]
    claim = {"technician_id": str(world.a.id), "status": "IN_PROGRESS"}
    taken = anonymous.patch(f"/api/tickets/{free}", json=claim, headers=world.a.headers)
    assert taken.status_code == 200, taken.text
    assert taken.json()["technician_id"] == str(world.a.id) and taken.json()["technician_name"] == "Tech A"


@pytest.mark.parametrize(
    ("ticket", "change", "message"),
    [
        ("unassigned", {"status": "IN_PROGRESS"}, "is not assigned to you"),
        ("of_b", {"technician_id": "A"}, "cannot reassign"),
        ("of_a", {"technician_id": "B"}, "cannot reassign"),
        ("of_a", {"technician_id": None}, "cannot reassign"),
        ("of_a", {"priority": "LOW"}, "cannot reassign or reprioritise"),
    ],
)
def test_a_technician_cannot_touch_unassigned_work_reassign_or_reprioritise(
    anonymous: TestClient,
    world: World,
    expect_problem: Any,
    ticket: str,
    change: dict[str, Any],
    message: str,
) -> None:
    people = {"A": str(world.a.id), "B": str(world.b.id)}
    body = {k: people.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    response = anonymous.patch(f"/api/tickets/{world.tickets[ticket]}", json=body, headers=world.a.headers)
    expect_problem(response, 403, message)


def test_engineers_assign_and_create_tickets_but_cannot_manage_people(
    anonymous: TestClient, world: World, expect_problem: Any
) -> None:
    headers = world.engineer.headers
    moved = anonymous.patch(
        f"/api/tickets/{world.tickets['of_b']}", json={"technician_id": str(world.a.id)}, headers=headers
    )
    assert moved.status_code == 200, moved.text
    new = {"machine_id": str(world.ids["machine_id"]), "title": "Check belt", "priority": "LOW"}
    assert anonymous.post("/api/tickets", json=new, headers=headers).status_code == 201
    person = {"email": "x@example.com", "full_name": "X", "role": "admin", "password": "12345678"}
    expect_problem(anonymous.post("/api/users", json=person, headers=headers), 403, "needs the role admin")
    expect_problem(
        anonymous.patch(f"/api/users/{world.engineer.id}", json={"role": "admin"}, headers=headers), 403
    )
    expect_problem(anonymous.post("/api/auth/service-tokens", json={"name": "x"}, headers=headers), 403)
    expect_problem(anonymous.get("/api/auth/service-tokens", headers=headers), 403)


def test_technicians_cannot_create_tickets_or_floor_plan_objects(
    anonymous: TestClient, world: World, expect_problem: Any
) -> None:
    headers = world.a.headers
    creations = {
        "/api/tickets": {"machine_id": str(world.ids["machine_id"]), "title": "x", "priority": "LOW"},
        "/api/machines": {"name": "x", "type": "pump"},
        "/api/sites": {"name": "x"},
        "/api/lines": {"site_id": str(world.ids["site_id"]), "name": "x"},
        "/api/users": {
            "email": "y@example.com",
            "full_name": "Y",
            "role": "technician",
            "password": "12345678",
        },
    }
    for path, body in creations.items():
        expect_problem(anonymous.post(path, json=body, headers=headers), 403)


def test_technicians_read_the_ticket_policy_but_only_engineers_and_admins_change_it(
    anonymous: TestClient, world: World, expect_problem: Any
) -> None:
    policy = anonymous.get("/api/policy", headers=world.a.headers).json()
    values = {k: v for k, v in policy.items() if k not in {"source", "updated_at", "updated_by"}}

    expect_problem(
        anonymous.put("/api/policy", json=values, headers=world.a.headers),
        403,
        "needs the role admin, engineer",
    )
    assert anonymous.put("/api/policy", json=values, headers=world.engineer.headers).status_code == 200
