"""Reopen (with a reason), cancel (RESOLVED with outcome CANCELLED), hand-made corrective tickets and the
MISSED outcome, through the real API and database; every change is in the trail."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from cloud.tickets.models import TicketStatus
from cloud.users.models import UserRole

pytestmark = pytest.mark.integration


def _events(client: TestClient, ticket: Any) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = client.get(f"/api/tickets/{ticket}/events").json()
    return events


def test_a_reported_failure_is_corrective_and_may_be_resolved_as_missed_which_a_prediction_may_not(
    client: TestClient, seed: Any, expect_problem: Any
) -> None:
    machine = seed.machine("Pump 01")
    created = client.post(
        "/api/tickets", json={"machine_id": str(machine), "title": "Seal blew", "priority": "CRITICAL"}
    )
    assert created.status_code == 201 and created.json()["kind"] == "CORRECTIVE"
    ticket = created.json()["id"]
    expect_problem(
        client.post("/api/tickets", json={"machine_id": str(machine), "title": "x", "priority": "LOW",
                                          "kind": "PREVENTIVE", "fault": "f2"}),
        422,
        "CORRECTIVE or SENSOR",
    )  # fmt: skip
    client.patch(f"/api/tickets/{ticket}", json={"status": "IN_PROGRESS"})
    missed = client.patch(f"/api/tickets/{ticket}", json={"status": "RESOLVED", "outcome": "MISSED"})
    assert missed.status_code == 200 and missed.json()["outcome"] == "MISSED"
    predicted = seed.ticket(machine, status=TicketStatus.IN_PROGRESS, fault="bearing_wear")
    expect_problem(
        client.patch(f"/api/tickets/{predicted}", json={"status": "RESOLVED", "outcome": "MISSED"}),
        422,
        "does not fit a PREDICTIVE ticket",
    )
    expect_problem(
        client.patch(f"/api/tickets/{predicted}", json={"status": "RESOLVED", "outcome": "CANCELLED"}),
        422,
        "cancel",
    )
    listed = client.get("/api/tickets", params={"kind": "CORRECTIVE", "outcome": "MISSED"}).json()
    assert [t["id"] for t in listed["items"]] == [ticket]


def test_cancel_closes_without_a_repair_frees_the_open_slot_and_reopen_brings_it_back_with_a_reason(
    client: TestClient, seed: Any, login: Any, expect_problem: Any
) -> None:
    machine = seed.machine("Pump 02", gateway_id=seed.gateway())
    ticket = seed.ticket(machine)
    technician = login(UserRole.TECHNICIAN)
    expect_problem(
        client.post(f"/api/tickets/{ticket}/cancel", json={"reason": "dup"}, headers=technician.headers), 403
    )
    expect_problem(client.post(f"/api/tickets/{ticket}/cancel", json={"reason": "   "}), 422, "blank")
    cancelled = client.post(
        f"/api/tickets/{ticket}/cancel", json={"reason": "Duplicate of the corrective one"}
    )
    assert cancelled.status_code == 200, cancelled.text
    body = cancelled.json()
    assert (body["status"], body["outcome"]) == ("RESOLVED", "CANCELLED")
    assert body["cancel_reason"] == "Duplicate of the corrective one"
    kinds = [e["kind"] for e in _events(client, ticket)]
    assert kinds == ["cancelled"] and "repair_sent" not in kinds
    expect_problem(client.post(f"/api/tickets/{ticket}/cancel", json={"reason": "again"}), 409, "RESOLVED")
    # The machine may have a new open ticket for the fault now; reopening the old one then conflicts.
    newer = seed.ticket(machine)
    expect_problem(client.post(f"/api/tickets/{ticket}/reopen", json={"reason": "wrong"}), 409, "already has")
    client.post(f"/api/tickets/{newer}/cancel", json={"reason": "the old one stands"})
    expect_problem(client.post(f"/api/tickets/{ticket}/reopen", json={}), 422, "reason")
    reopened = client.post(f"/api/tickets/{ticket}/reopen", json={"reason": "Vibration is back"})
    assert reopened.status_code == 200, reopened.text
    body = reopened.json()
    assert (body["status"], body["outcome"], body["cancel_reason"], body["resolved_at"]) == (
        "OPEN",
        None,
        None,
        None,
    )
    last = _events(client, ticket)[-1]
    assert last["kind"] == "reopened"
    assert last["data"] == {
        "from": "RESOLVED",
        "to": "OPEN",
        "reason": "Vibration is back",
        "outcome": "CANCELLED",
    }
    expect_problem(client.post(f"/api/tickets/{ticket}/reopen", json={"reason": "x"}), 409, "only a RESOLVED")
