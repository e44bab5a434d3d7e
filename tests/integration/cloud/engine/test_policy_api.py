"""The ticket policy through the API (real PostgreSQL): defaults, who may change it, validation, and the
engine applying a change without a restart."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cloud.engine.models import EnginePolicy
from cloud.engine.policy import PolicyConfig, TicketPolicy
from cloud.engine.runner import TicketEngine
from cloud.tickets.models import MaintenanceTicket
from cloud.users.models import UserRole

pytestmark = pytest.mark.integration

DEFAULTS = {
    "enter_threshold": 0.7,
    "exit_threshold": 0.4,
    "required": 3,
    "window": 5,
    "max_age_s": 600.0,
    "cooldown_s": 300.0,
    "high_threshold": 0.8,
    "critical_threshold": 0.9,
    "horizon_h": 24.0,
    "high_ttf_h": 12.0,
    "critical_ttf_h": 4.0,
}


def test_get_returns_the_settings_defaults_to_any_signed_in_user(anonymous: TestClient, login: Any) -> None:
    technician = login(UserRole.TECHNICIAN)

    body = anonymous.get("/api/policy", headers=technician.headers).json()

    assert body == DEFAULTS | {"source": "settings", "updated_at": None, "updated_by": None}


def test_get_without_a_token_is_401(anonymous: TestClient, expect_problem: Any) -> None:
    expect_problem(anonymous.get("/api/policy"), 401)


def test_an_engineer_stores_a_policy_that_everyone_then_reads_with_who_and_when(
    anonymous: TestClient, login: Any, sessions: sessionmaker[Session]
) -> None:
    engineer = login(UserRole.ENGINEER)
    technician = login(UserRole.TECHNICIAN)
    wanted = DEFAULTS | {"enter_threshold": 0.85, "high_threshold": 0.88, "required": 2}

    put = anonymous.put("/api/policy", json=wanted, headers=engineer.headers)
    got = anonymous.get("/api/policy", headers=technician.headers)

    assert put.status_code == 200, put.text
    assert got.json() == put.json()
    body = got.json()
    assert {k: body[k] for k in DEFAULTS} == wanted
    assert body["source"] == "database"
    assert body["updated_by"] == str(engineer.id)
    assert body["updated_at"] is not None
    with sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(EnginePolicy)) == 1


def test_a_technician_may_not_change_the_policy(
    anonymous: TestClient, login: Any, expect_problem: Any
) -> None:
    technician = login(UserRole.TECHNICIAN)

    expect_problem(anonymous.put("/api/policy", json=DEFAULTS, headers=technician.headers), 403)

    assert anonymous.get("/api/policy", headers=technician.headers).json()["source"] == "settings"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"exit_threshold": 0.7}, "exit_threshold"),  # enter must be above exit
        ({"required": 6}, "required"),  # more than the window
        ({"required": 0}, "required"),
        ({"enter_threshold": 1.2}, "enter_threshold"),
        ({"critical_threshold": 0.0}, "critical_threshold"),
        ({"high_threshold": 0.95}, "high_threshold"),  # above critical
        ({"cooldown_s": 0}, "cooldown_s"),
        ({"horizon_h": -1}, "horizon_h"),
        ({"critical_ttf_h": 13}, "critical_ttf_h"),  # above high_ttf_h
    ],
)
def test_an_inconsistent_policy_is_422_naming_the_field_and_nothing_is_stored(
    client: TestClient, expect_problem: Any, change: dict[str, float], field: str
) -> None:
    body = expect_problem(client.put("/api/policy", json=DEFAULTS | change), 422, field)

    assert ["body", field] in [e["loc"] for e in body["errors"]]
    assert client.get("/api/policy").json()["source"] == "settings"


def test_the_engine_applies_a_stored_policy_without_a_restart(
    client: TestClient, sessions: sessionmaker[Session], seed: Any
) -> None:
    machine = seed.machine("Pump 03")
    engine = TicketEngine(sessions, TicketPolicy(PolicyConfig()), policy_reload_s=0.0)
    stricter = DEFAULTS | {"enter_threshold": 0.9, "high_threshold": 0.92, "critical_threshold": 0.95}
    assert client.put("/api/policy", json=stricter).status_code == 200

    seed.predictions(machine, [0.8, 0.85, 0.86, 0.84, 0.85])  # a ticket under the defaults (0.7)
    held_back = engine.tick()
    assert client.put("/api/policy", json=DEFAULTS).status_code == 200
    seed.predictions(machine, [0.85])
    opened = engine.tick()

    assert held_back.opened == 0 and held_back.evaluated == 1
    assert engine.policy.config == PolicyConfig()
    assert opened.opened == 1
    with sessions() as s:
        (ticket,) = s.scalars(sa.select(MaintenanceTicket)).all()
    assert ticket.machine_id == machine
    assert ticket.reason["policy"]["enter"] == 0.7


def test_the_knobs_are_served_as_declared_and_bound_the_policy_the_api_accepts(
    anonymous: TestClient, login: Any
) -> None:
    from cloud.engine import knobs

    technician = login(UserRole.TECHNICIAN)
    served = anonymous.get("/api/policy/knobs", headers=technician.headers).json()
    assert [k["name"] for k in served] == [k.name for k in knobs.KNOBS]
    schema = anonymous.get("/openapi.json").json()["components"]["schemas"]["PolicyValues"]["properties"]
    for knob in served:
        # The form checks against what the API will check: the same bounds as PolicyValues' fields.
        field = schema[knob["name"]]
        low_key = "minimum" if knob["low_inclusive"] else "exclusiveMinimum"
        assert field[low_key] == knob["low"] and field["maximum"] == knob["high"], knob["name"]
        assert knob["env"] == f"MAINTAINX_ENGINE_{knob['name'].upper()}"
    assert anonymous.get("/api/policy/knobs").status_code == 401
