"""The PM scheduler on the real database and API: work orders opened ahead of their due date with the
checklist, once per schedule and machine even with two schedulers, pulled forward by a rising risk, counted
from rpm readings, and restarted by completing the work (which also tells the gateway, like any repair)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from cloud.pm.scheduler import PassResult, PmSettings, run_pass
from cloud.tickets.models import MaintenanceTicket, TicketKind, TicketStatus
from cloud.workdone.models import ChecklistItem

pytestmark = pytest.mark.integration

CHECKLIST = ["Grease the drive-end bearing", "Check belt tension"]


def _schedule(client: TestClient, **fields: Any) -> dict[str, Any]:
    body = {"name": "Bearing service", "rule": {"kind": "every", "every": 7}, "checklist": CHECKLIST} | fields
    response = client.post("/api/pm-schedules", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def _pass(sessions: sessionmaker[Session], now: datetime, **settings: Any) -> PassResult:
    with sessions.begin() as session:
        return run_pass(session, now, PmSettings(**settings))


def _pm_tickets(client: TestClient) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get("/api/tickets", params={"kind": "PREVENTIVE"}).json()["items"]
    return items


def test_a_calendar_schedule_opens_one_work_order_lead_days_ahead_with_its_checklist(
    client: TestClient, seed: Any, sessions: sessionmaker[Session]
) -> None:
    machine = seed.machine("Pump 01")
    schedule = _schedule(client, machine_id=str(machine), lead_days=2)
    start = datetime.fromisoformat(schedule["created_at"])
    assert _pass(sessions, start + timedelta(days=4)).opened == 0
    listed = client.get("/api/pm-schedules").json()[0]
    assert datetime.fromisoformat(listed["next_due_at"]) == start + timedelta(days=7)
    assert _pass(sessions, start + timedelta(days=5, hours=1)).opened == 1
    assert _pass(sessions, start + timedelta(days=5, hours=2)).opened == 0
    [ticket] = _pm_tickets(client)
    assert ticket["status"] == "OPEN" and ticket["kind"] == "PREVENTIVE"
    assert ticket["pm"]["schedule_id"] == schedule["id"] and ticket["pm"]["pulled_forward"] is None
    assert datetime.fromisoformat(ticket["pm"]["due_at"]) == start + timedelta(days=7)
    work = client.get(f"/api/tickets/{ticket['id']}/work").json()
    assert [item["text"] for item in work["checklist"]] == CHECKLIST
    [created] = client.get(f"/api/tickets/{ticket['id']}/events").json()
    assert created["kind"] == "created" and created["actor_id"] is None
    assert client.get("/api/pm-schedules").json()[0]["machines"][0]["open_ticket_id"] == ticket["id"]


def test_completing_the_work_order_restarts_the_schedule_and_tells_the_gateway(
    client: TestClient, seed: Any, sessions: sessionmaker[Session], expect_problem: Any
) -> None:
    machine = seed.machine("Pump 02", gateway_id=seed.gateway())
    schedule = _schedule(client, machine_id=str(machine), rule={"kind": "every", "every": 1, "unit": "weeks"})
    start = datetime.fromisoformat(schedule["created_at"])
    _pass(sessions, start + timedelta(days=7, hours=1))
    [ticket] = _pm_tickets(client)
    url = f"/api/tickets/{ticket['id']}"
    assert client.patch(url, json={"status": "IN_PROGRESS"}).status_code == 200
    expect_problem(
        client.patch(url, json={"status": "RESOLVED", "outcome": "FALSE_ALARM"}), 422, "PREVENTIVE"
    )
    done = client.patch(url, json={"status": "RESOLVED", "outcome": "COMPLETED"})
    assert done.status_code == 200, done.text
    assert done.json()["aftercare"]["repair_sent_at"] is not None
    assert "repair_sent" in [e["kind"] for e in client.get(f"{url}/events").json()]
    state = client.get(f"/api/pm-schedules/{schedule['id']}").json()["machines"][0]
    baseline = datetime.fromisoformat(state["baseline_at"])
    assert baseline > start
    # The next one is due a week after the completion, not a week after the first due date.
    assert _pass(sessions, baseline + timedelta(days=6)).opened == 0
    assert _pass(sessions, baseline + timedelta(days=7, minutes=1)).opened == 1


def test_a_rising_risk_pulls_the_work_order_forward_within_its_limit_and_the_ticket_says_why(
    client: TestClient, seed: Any, sessions: sessionmaker[Session]
) -> None:
    risky, calm = seed.machine("Fan 01", type="fan"), seed.machine("Fan 02", type="fan")
    schedule = _schedule(
        client, machine_type="fan", rule={"kind": "every", "every": 30}, lead_days=1, max_pull_forward_days=10
    )
    first = datetime.fromisoformat(schedule["created_at"])
    _pass(sessions, first)  # both fans join the schedule now: due in 30 days
    now = first + timedelta(days=19, hours=1)
    seed.predictions(risky, [0.2, 0.93], end=now - timedelta(minutes=1))
    seed.predictions(calm, [0.4], end=now - timedelta(minutes=1))
    assert _pass(sessions, now, risk_threshold=0.8).opened == 1
    [ticket] = _pm_tickets(client)
    assert ticket["machine_id"] == str(risky)
    why = ticket["pm"]["pulled_forward"]
    assert why["failure_prob"] == pytest.approx(0.93) and why["days_earlier"] == pytest.approx(10)
    assert datetime.fromisoformat(why["planned_due_at"]) == first + timedelta(days=30)
    assert datetime.fromisoformat(ticket["pm"]["due_at"]) == first + timedelta(days=20)
    listed = client.get(f"/api/pm-schedules/{schedule['id']}").json()
    assert listed["pulled_forward"] is True
    assert {m["machine_id"]: m["pulled_forward"] is not None for m in listed["machines"]} == {
        str(risky): True,
        str(calm): False,
    }


def test_running_hours_come_from_rpm_readings_and_open_the_work_order_when_reached(
    client: TestClient, seed: Any, sessions: sessionmaker[Session]
) -> None:
    machine = seed.machine("Compressor 01")
    schedule = _schedule(
        client,
        machine_id=str(machine),
        rule={"kind": "running_hours", "every": 2, "threshold": 100},
        checklist=[],
    )
    start = datetime.fromisoformat(schedule["created_at"])
    # Running for 90 minutes, a 2-hour silence (not counted), then running for 40 more minutes.
    minutes = [start + timedelta(minutes=m) for m in range(1, 92)]
    later = [start + timedelta(minutes=m) for m in range(212, 253)]
    seed.readings(machine, minutes, rpm=1480.0)
    assert _pass(sessions, start + timedelta(minutes=100)).opened == 0
    meter = client.get(f"/api/pm-schedules/{schedule['id']}").json()["machines"][0]["meter"]
    assert meter == pytest.approx(1.5)
    seed.readings(machine, later, rpm=1480.0)
    assert _pass(sessions, start + timedelta(hours=5)).opened == 1
    state = client.get(f"/api/pm-schedules/{schedule['id']}").json()["machines"][0]
    assert state["meter"] == pytest.approx(1.5 + 40 / 60)


def test_two_schedulers_take_turns_and_the_database_allows_one_open_work_order(
    client: TestClient, seed: Any, sessions: sessionmaker[Session]
) -> None:
    machine = seed.machine("Press 01")
    schedule = _schedule(client, machine_id=str(machine))
    due = datetime.fromisoformat(schedule["created_at"]) + timedelta(days=8)
    with sessions.begin() as first, sessions.begin() as second:
        assert run_pass(first, due).opened == 1
        assert run_pass(second, due).locked_out
    assert _pass(sessions, due).opened == 0
    with pytest.raises(IntegrityError), sessions.begin() as s:
        s.add(
            MaintenanceTicket(
                machine_id=machine,
                title="a second one",
                priority="LOW",
                kind=TicketKind.PREVENTIVE,
                reason={},
                fault="other",
                pm_schedule_id=uuid.UUID(schedule["id"]),
            )
        )
    with sessions() as s:
        count = s.scalar(sa.select(sa.func.count()).where(MaintenanceTicket.status == TicketStatus.OPEN))
        items = s.scalar(sa.select(sa.func.count()).select_from(ChecklistItem))
    assert count == 1 and items == len(CHECKLIST)


def test_schedule_definitions_are_validated_with_clear_errors(
    client: TestClient, seed: Any, expect_problem: Any
) -> None:
    machine = seed.machine("Pump 09")
    body = {"name": "x", "rule": {"kind": "every", "every": 7}}
    expect_problem(client.post("/api/pm-schedules", json=body), 422, "exactly one of machine_id")
    bad_rule = body | {"machine_id": str(machine), "rule": {"kind": "every", "every": 0}}
    expect_problem(client.post("/api/pm-schedules", json=bad_rule), 422, "rule.every")
    unknown = body | {"machine_id": str(uuid.uuid4())}
    expect_problem(client.post("/api/pm-schedules", json=unknown), 422, "does not exist")
    created = _schedule(client, machine_id=str(machine))
    changed = client.put(
        f"/api/pm-schedules/{created['id']}", json=body | {"machine_id": str(machine), "lead_days": 3}
    )
    assert changed.status_code == 200 and changed.json()["lead_days"] == 3
    assert client.delete(f"/api/pm-schedules/{created['id']}").status_code == 204
    expect_problem(client.get(f"/api/pm-schedules/{created['id']}"), 404)
