"""The ticket workflow beyond the lifecycle: manual tickets, outcomes, comments, the audit trail, and the
list's filters, sorting and pages."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cloud.tickets.models import TicketPriority, TicketStatus
from cloud.users.models import UserRole

pytestmark = pytest.mark.integration


def test_an_engineer_opens_a_ticket_by_hand_and_a_second_for_the_same_fault_is_a_409(
    client: TestClient, seed: Any, expect_problem: Any
) -> None:
    machine = seed.machine("Pump 03")
    tech = seed.user("Tess")
    body = {
        "machine_id": str(machine),
        "title": "Noisy bearing",
        "priority": "HIGH",
        "technician_id": str(tech),
    }

    created = client.post("/api/tickets", json=body)

    assert created.status_code == 201, created.text
    ticket = created.json()
    assert ticket["status"] == "OPEN" and ticket["fault"] == "manual" and ticket["reason"] is None
    assert ticket["technician_name"] == "Tess" and ticket["machine_name"] == "Pump 03"
    events = client.get(f"/api/tickets/{ticket['id']}/events").json()
    assert [e["kind"] for e in events] == ["created", "assigned"]
    assert events[0]["actor_name"] == "Ada Admin" and events[0]["data"] == {
        "fault": "manual",
        "priority": "HIGH",
        "ticket_kind": "CORRECTIVE",
    }
    expect_problem(client.post("/api/tickets", json=body), 409, "already has an open ticket for fault manual")
    other_fault = client.post("/api/tickets", json=body | {"fault": "belt"})
    assert other_fault.status_code == 201


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"status": "RESOLVED"}, "outcome", "resolving needs an outcome"),
        ({"status": "RESOLVED", "outcome": "CONFIRMED_FAULT"}, "root_cause", "needs its root_cause"),
        (
            {"status": "RESOLVED", "outcome": "CONFIRMED_FAULT", "root_cause": "  "},
            "root_cause",
            "root_cause",
        ),
        ({"outcome": "FALSE_ALARM"}, "outcome", "only when resolving"),
        ({"found_fault": "bearing_wear"}, "found_fault", "only when resolving"),
        (
            {"status": "RESOLVED", "outcome": "FALSE_ALARM", "found_fault": "imbalance"},
            "found_fault",
            "a false alarm has no failure mode found",
        ),
        (
            {
                "status": "RESOLVED",
                "outcome": "CONFIRMED_FAULT",
                "root_cause": "x",
                "found_fault": "Bad Name",
            },
            "found_fault",
            "",
        ),
        ({"status": "RESOLVED", "outcome": "MAYBE"}, "outcome", ""),
    ],
)
def test_resolving_needs_a_valid_outcome_and_changes_nothing_otherwise(
    client: TestClient, seed: Any, expect_problem: Any, change: dict[str, Any], field: str, message: str
) -> None:
    ticket = seed.ticket(seed.machine("Pump 03"), status=TicketStatus.IN_PROGRESS)
    body = expect_problem(client.patch(f"/api/tickets/{ticket}", json=change), 422, message)
    assert body["errors"][0]["loc"] == ["body", field]
    after = client.get(f"/api/tickets/{ticket}").json()
    assert after["status"] == "IN_PROGRESS" and after["outcome"] is None
    assert client.get(f"/api/tickets/{ticket}/events").json() == []


def test_a_false_alarm_needs_no_root_cause_and_every_change_is_in_the_trail_with_its_actor(
    anonymous: TestClient, login: Any, seed: Any
) -> None:
    engineer = login(UserRole.ENGINEER, "Erin")
    tech = login(UserRole.TECHNICIAN, "Tess")
    ticket = seed.ticket(seed.machine("Pump 03"))
    url = f"/api/tickets/{ticket}"
    anonymous.patch(
        url, json={"technician_id": str(tech.id), "priority": "CRITICAL"}, headers=engineer.headers
    )
    anonymous.patch(url, json={"status": "IN_PROGRESS"}, headers=tech.headers)
    comment = anonymous.post(
        f"{url}/comments", json={"text": "vibration normal on site"}, headers=tech.headers
    )
    resolved = anonymous.patch(
        url, json={"status": "RESOLVED", "outcome": "FALSE_ALARM"}, headers=tech.headers
    )

    assert comment.status_code == 201 and comment.json()["kind"] == "comment"
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["outcome"] == "FALSE_ALARM" and resolved.json()["root_cause"] is None
    events = anonymous.get(f"{url}/events", headers=tech.headers).json()
    trail = [(e["kind"], e["actor_name"], e["data"]) for e in events]
    assert trail == [
        ("assigned", "Erin", {"from": None, "to": str(tech.id)}),
        ("priority", "Erin", {"from": "HIGH", "to": "CRITICAL"}),
        ("status", "Tess", {"from": "OPEN", "to": "IN_PROGRESS"}),
        ("comment", "Tess", {"text": "vibration normal on site"}),
        ("status", "Tess", {"from": "IN_PROGRESS", "to": "RESOLVED"}),
        ("outcome", "Tess", {"outcome": "FALSE_ALARM", "root_cause": None, "found_fault": None}),
    ]
    assert all(e["at"].endswith("Z") for e in events)


def test_the_trail_of_an_unknown_ticket_is_a_404_and_empty_comments_are_422(
    client: TestClient, seed: Any, expect_problem: Any
) -> None:
    expect_problem(client.get(f"/api/tickets/{uuid.uuid4()}/events"), 404)
    expect_problem(client.post(f"/api/tickets/{uuid.uuid4()}/comments", json={"text": "hi"}), 404)
    ticket = seed.ticket(seed.machine("Pump 03"))
    expect_problem(client.post(f"/api/tickets/{ticket}/comments", json={"text": ""}), 422)


def test_tickets_filter_by_priority_assignee_and_fault_and_sort_by_priority(
    client: TestClient, seed: Any
) -> None:
    machine = seed.machine("Pump 03")
    tess = seed.user("Tess")
    now = datetime.now(UTC)
    low = seed.ticket(machine, fault="a", priority=TicketPriority.LOW, created_at=now - timedelta(minutes=3))
    crit = seed.ticket(
        machine,
        fault="b",
        priority=TicketPriority.CRITICAL,
        technician_id=tess,
        created_at=now - timedelta(minutes=2),
    )
    high = seed.ticket(
        machine, fault="c", priority=TicketPriority.HIGH, created_at=now - timedelta(minutes=1)
    )

    def ids(**params: Any) -> list[str]:
        return [t["id"] for t in client.get("/api/tickets", params=params).json()["items"]]

    assert ids(priority="CRITICAL") == [str(crit)]
    assert ids(technician_id=str(tess)) == [str(crit)]
    assert ids(assigned=False) == [str(high), str(low)]
    assert ids(fault="a") == [str(low)]
    assert ids(sort="-priority") == [str(crit), str(high), str(low)]
    assert ids(sort="priority") == [str(low), str(high), str(crit)]
    assert ids(sort="created_at") == [str(low), str(crit), str(high)]


def test_pages_cover_every_ticket_once_with_the_total(client: TestClient, seed: Any) -> None:
    now = datetime.now(UTC)
    created = {
        str(seed.ticket(seed.machine(f"M{n:02d}"), created_at=now - timedelta(seconds=n))) for n in range(7)
    }
    seen: list[str] = []
    for offset in range(0, 9, 3):
        page = client.get("/api/tickets", params={"limit": 3, "offset": offset}).json()
        assert page["total"] == 7 and page["limit"] == 3 and page["offset"] == offset
        seen += [t["id"] for t in page["items"]]
    assert len(seen) == 7 and set(seen) == created
