"""Tickets over HTTP: list, read, the OPEN -> IN_PROGRESS -> RESOLVED lifecycle and the repair command."""

from __future__ import annotations

import queue
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from fastapi.testclient import TestClient
from paho.mqtt.enums import CallbackAPIVersion

from cloud.tickets.models import TicketStatus
from cloud.users.models import UserRole
from contract import MaintenanceCommand, decode
from contract.topics import Command, command_topic
from maintainx.services import Broker

pytestmark = pytest.mark.integration


def test_tickets_are_listed_newest_first_with_their_machine_and_reason(client: TestClient, seed: Any) -> None:
    pump = seed.machine("Pump 03")
    fan = seed.machine("Fan 01")
    now = datetime.now(UTC)
    old = seed.ticket(
        pump, status=TicketStatus.RESOLVED, created_at=now - timedelta(hours=2), resolved_at=now
    )
    new = seed.ticket(fan, created_at=now - timedelta(minutes=1))

    page = client.get("/api/tickets").json()
    body = page["items"]

    assert page["total"] == 2 and page["limit"] == 100 and page["offset"] == 0
    assert [t["id"] for t in body] == [str(new), str(old)]
    assert body[0]["machine_name"] == "Fan 01"
    assert body[0]["status"] == "OPEN" and body[0]["priority"] == "HIGH"
    assert body[0]["kind"] == "PREDICTIVE"  # the engine opened it from a prediction
    assert body[0]["reason"]["model_version"] == "test-model-1"
    assert body[0]["reason"]["features"] == {"vibration_rms": 3.5}
    assert body[0]["reason"]["prediction_ts"].endswith("Z")
    assert body[1]["resolved_at"] is not None
    assert set(body[0]) == {
        "id", "machine_id", "machine_name", "title", "status", "priority", "technician_id",
        "technician_name", "created_at", "updated_at", "resolved_at", "reason", "fault", "outcome",
        "root_cause", "found_fault", "aftercare", "kind", "pm", "cancel_reason",
    }  # fmt: skip
    assert body[1]["aftercare"] is None  # a list does not read every ticket's aftercare


def test_tickets_filter_by_status_machine_and_limit(client: TestClient, seed: Any) -> None:
    pump = seed.machine("Pump 03")
    fan = seed.machine("Fan 01")
    now = datetime.now(UTC)
    for hours in (3, 2):
        seed.ticket(
            pump, status=TicketStatus.RESOLVED, created_at=now - timedelta(hours=hours), resolved_at=now
        )
    open_pump = seed.ticket(pump, created_at=now - timedelta(minutes=5))
    seed.ticket(fan, status=TicketStatus.IN_PROGRESS)

    def items(**params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = client.get("/api/tickets", params=params).json()["items"]
        return items

    assert [t["id"] for t in items(status="OPEN")] == [str(open_pump)]
    assert len(items(machine_id=str(pump))) == 3
    resolved = client.get("/api/tickets", params={"status": "RESOLVED", "machine_id": str(pump), "limit": 1})
    assert len(resolved.json()["items"]) == 1 and resolved.json()["items"][0]["status"] == "RESOLVED"
    assert resolved.json()["total"] == 2  # the total counts every match, not just the page


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 201},
        {"offset": -1},
        {"status": "DONE"},
        {"machine_id": "pump"},
        {"priority": "URGENT"},
        {"sort": "title"},
        {"technician_id": "me"},
    ],
)
def test_bad_ticket_filters_are_422_problems(
    client: TestClient, expect_problem: Any, params: dict[str, Any]
) -> None:
    body = expect_problem(client.get("/api/tickets", params=params), 422)
    assert body["errors"][0]["loc"] == ["query", next(iter(params))]


def test_one_ticket_by_id_and_a_404_problem_for_an_unknown_one(
    client: TestClient, seed: Any, expect_problem: Any
) -> None:
    ticket = seed.ticket(seed.machine("Pump 03"))
    assert client.get(f"/api/tickets/{ticket}").json()["id"] == str(ticket)
    missing = uuid.uuid4()
    expect_problem(client.get(f"/api/tickets/{missing}"), 404, f"ticket {missing} does not exist")
    expect_problem(client.patch(f"/api/tickets/{missing}", json={"status": "IN_PROGRESS"}), 404)


def test_a_ticket_moves_open_to_in_progress_to_resolved(client: TestClient, seed: Any) -> None:
    ticket = seed.ticket(seed.machine("Pump 03"))
    technician = seed.user()

    started = client.patch(
        f"/api/tickets/{ticket}", json={"status": "IN_PROGRESS", "technician_id": str(technician)}
    )
    assert started.status_code == 200, started.text
    assert started.json()["status"] == "IN_PROGRESS"
    assert started.json()["technician_id"] == str(technician)
    assert started.json()["resolved_at"] is None

    resolved = client.patch(
        f"/api/tickets/{ticket}",
        json={
            "status": "RESOLVED",
            "outcome": "CONFIRMED_FAULT",
            "root_cause": "worn bearing",
            "found_fault": "bearing_wear",
        },
    )
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["outcome"] == "CONFIRMED_FAULT" and resolved.json()["root_cause"] == "worn bearing"
    assert resolved.json()["found_fault"] == "bearing_wear"
    outcome_event = client.get(f"/api/tickets/{ticket}/events").json()[-1]
    assert outcome_event["data"]["found_fault"] == "bearing_wear"
    assert resolved.json()["status"] == "RESOLVED"
    assert resolved.json()["resolved_at"] is not None
    assert resolved.json()["technician_id"] == str(technician)  # untouched when not in the body
    assert client.get(f"/api/tickets/{ticket}").json()["status"] == "RESOLVED"


@pytest.mark.parametrize(
    ("current", "wanted", "message"),
    [
        (TicketStatus.OPEN, "RESOLVED", "ticket can go from OPEN to IN_PROGRESS only"),
        (TicketStatus.OPEN, "OPEN", "ticket can go from OPEN to IN_PROGRESS only"),
        (TicketStatus.IN_PROGRESS, "OPEN", "ticket can go from IN_PROGRESS to RESOLVED only"),
        (TicketStatus.IN_PROGRESS, "IN_PROGRESS", "ticket can go from IN_PROGRESS to RESOLVED only"),
        (TicketStatus.RESOLVED, "IN_PROGRESS", "ticket is RESOLVED and can change no more"),
    ],
)
def test_skipping_or_going_back_is_a_409_problem_and_changes_nothing(
    client: TestClient, seed: Any, expect_problem: Any, current: TicketStatus, wanted: str, message: str
) -> None:
    resolved_at = datetime.now(UTC) if current is TicketStatus.RESOLVED else None
    ticket = seed.ticket(seed.machine("Pump 03"), status=current, resolved_at=resolved_at)
    change = {"status": wanted} | ({"outcome": "FALSE_ALARM"} if wanted == "RESOLVED" else {})
    body = expect_problem(client.patch(f"/api/tickets/{ticket}", json=change), 409)
    assert body["detail"] == message
    assert client.get(f"/api/tickets/{ticket}").json()["status"] == current.value


def test_a_technician_can_be_unassigned_with_null(client: TestClient, seed: Any) -> None:
    ticket = seed.ticket(seed.machine("Pump 03"))
    assigned = client.patch(f"/api/tickets/{ticket}", json={"technician_id": str(seed.user())})
    assert assigned.status_code == 200, assigned.text
    body = client.patch(f"/api/tickets/{ticket}", json={"technician_id": None}).json()
    assert body["technician_id"] is None and body["status"] == "OPEN"


def test_assigning_someone_who_is_not_an_active_technician_is_a_422_naming_the_field(
    client: TestClient, seed: Any, expect_problem: Any
) -> None:
    ticket = seed.ticket(seed.machine("Pump 03"))
    cases = {
        uuid.uuid4(): "does not exist",
        seed.user("Erin Engineer", role=UserRole.ENGINEER): "is not an active technician",
        seed.user("Old Timer", is_active=False): "is not an active technician",
    }
    for user_id, message in cases.items():
        body = expect_problem(
            client.patch(f"/api/tickets/{ticket}", json={"technician_id": str(user_id)}), 422
        )
        assert message in body["detail"]
        assert body["errors"][0]["loc"] == ["body", "technician_id"]
    assert client.get(f"/api/tickets/{ticket}").json()["technician_id"] is None


def test_unknown_fields_in_a_ticket_change_are_a_422_problem(
    client: TestClient, seed: Any, expect_problem: Any
) -> None:
    ticket = seed.ticket(seed.machine("Pump 03"))
    body = expect_problem(client.patch(f"/api/tickets/{ticket}", json={"title": "renamed"}), 422)
    assert body["errors"][0]["loc"] == ["body", "title"]


def test_resolving_a_ticket_sends_a_maintenance_command_to_the_machines_gateway(
    client: TestClient, seed: Any, broker: Broker
) -> None:
    seed.gateway("gw-07")
    machine = seed.machine("Pump 03", gateway_id="gw-07")
    ticket = seed.ticket(machine, status=TicketStatus.IN_PROGRESS)
    received: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
    subscribed = queue.Queue[object]()
    gateway = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="test-gw-07")
    gateway.on_message = lambda c, u, msg: received.put(msg)
    gateway.on_subscribe = lambda *args: subscribed.put(args)
    gateway.connect("127.0.0.1", broker.port)
    gateway.loop_start()
    try:
        gateway.subscribe(command_topic("gw-07", Command.MAINTENANCE), qos=1)
        subscribed.get(timeout=5)

        resolve = {"status": "RESOLVED", "outcome": "FALSE_ALARM"}
        assert client.patch(f"/api/tickets/{ticket}", json=resolve).status_code == 200

        message = received.get(timeout=5)
    finally:
        gateway.loop_stop()
        gateway.disconnect()
    assert message.topic == command_topic("gw-07", Command.MAINTENANCE)
    assert message.qos == 1
    command = decode(message.payload, MaintenanceCommand)
    assert command.machine_id == machine
    assert command.ticket_id == ticket
    assert command.action == "repaired"


def test_starting_work_sends_no_command(client: TestClient, seed: Any, broker: Broker) -> None:
    seed.gateway("gw-07")
    ticket = seed.ticket(seed.machine("Pump 03", gateway_id="gw-07"))
    received: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
    subscribed = queue.Queue[object]()
    gateway = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="test-gw-07")
    gateway.on_message = lambda c, u, msg: received.put(msg)
    gateway.on_subscribe = lambda *args: subscribed.put(args)
    gateway.connect("127.0.0.1", broker.port)
    gateway.loop_start()
    try:
        gateway.subscribe(command_topic("gw-07", Command.MAINTENANCE), qos=1)
        subscribed.get(timeout=5)
        assert client.patch(f"/api/tickets/{ticket}", json={"status": "IN_PROGRESS"}).status_code == 200
        with pytest.raises(queue.Empty):
            received.get(timeout=1)
    finally:
        gateway.loop_stop()
        gateway.disconnect()
