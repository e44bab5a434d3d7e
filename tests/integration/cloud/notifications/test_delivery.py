"""End to end through real parts: ticket changes made through the API reach a real SMTP server and a real
webhook receiver, in order, once each, signed; failures are retried with every attempt logged."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cloud.machines.models import Line, Site
from cloud.notifications.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from cloud.users.models import UserRole
from tests.integration.cloud.notifications.conftest import WEBHOOK_SECRET
from tests.integration.cloud.notifications.receivers import HttpReceiver, SmtpSink

pytestmark = pytest.mark.integration

CHANNEL_SECRET = "channel-own-secret-0123456789"


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``predicate`` until true; fail naming ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def place(sessions: sessionmaker[Session]) -> tuple[uuid.UUID, uuid.UUID]:
    """A site with one line; returns (site_id, line_id)."""
    with sessions.begin() as s:
        site = Site(name=f"Plant {uuid.uuid4().hex[:4]}")
        s.add(site)
        s.flush()
        line = Line(site_id=site.id, name="Line 2")
        s.add(line)
        s.flush()
        return site.id, line.id


def webhook(
    client: TestClient, url: str, *, secret: str | None = CHANNEL_SECRET, fmt: str = "generic"
) -> str:
    body: dict[str, Any] = {
        "name": f"hook-{uuid.uuid4().hex[:6]}",
        "kind": "webhook",
        "url": url,
        "format": fmt,
    }
    if secret:
        body["secret"] = secret
    response = client.post("/api/notifications/channels", json=body)
    assert response.status_code == 201, response.text
    assert "secret" not in response.json() and response.json()["has_secret"] is bool(secret)
    return str(response.json()["id"])


def rule(client: TestClient, channel_id: str, **fields: Any) -> dict[str, Any]:
    body = {"name": "r", "channel_id": channel_id, "events": ["opened", "escalated", "assigned", "resolved"]}
    response = client.post("/api/notifications/rules", json=body | fields)
    assert response.status_code == 201, response.text
    return dict(response.json())


def open_ticket(client: TestClient, machine: uuid.UUID, priority: str = "HIGH", fault: str = "manual") -> str:
    response = client.post(
        "/api/tickets", json={"machine_id": str(machine), "title": "Noisy bearing", "priority": priority,
                              "fault": fault}
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def patch(client: TestClient, ticket_id: str, **change: Any) -> None:
    response = client.patch(f"/api/tickets/{ticket_id}", json=change)
    assert response.status_code == 200, response.text


def all_delivered(client: TestClient, params: dict[str, str]) -> bool:
    listed = client.get("/api/notifications/deliveries", params=params).json()
    return bool(listed) and {d["status"] for d in listed} == {"delivered"}


def bodies(receiver: HttpReceiver) -> list[dict[str, Any]]:
    return [orjson.loads(h.body) for h in receiver.received()]


def test_a_ticket_lifecycle_is_posted_and_mailed_in_order_signed_with_the_link(
    client: TestClient,
    seed: Any,
    sessions: sessionmaker[Session],
    login: Any,
    receiver: HttpReceiver,
    smtp: SmtpSink,
    worker: Callable[[], None],
) -> None:
    site_id, line_id = place(sessions)
    machine = seed.machine("Pump 07", line_id=line_id)
    elsewhere = seed.machine("Fan 01")  # no line: outside the rules' site
    engineer = login(UserRole.ENGINEER, "Erin Engineer")
    technician = login(UserRole.TECHNICIAN, "Tess Technician")
    hook = webhook(client, receiver.url + "/cmms")
    rule(client, hook, site_id=str(site_id))
    mail = client.post("/api/notifications/channels", json={"name": "mail", "kind": "email"}).json()["id"]
    rule(client, mail, roles=["engineer"], assignee=True, events=["opened", "assigned", "resolved"],
         line_id=str(line_id))  # fmt: skip
    worker()

    ticket = open_ticket(client, machine)
    open_ticket(client, elsewhere)
    patch(client, ticket, priority="CRITICAL")
    patch(client, ticket, technician_id=str(technician.id))
    patch(client, ticket, status="IN_PROGRESS")
    patch(client, ticket, status="RESOLVED", outcome="FALSE_ALARM")

    wait_for(lambda: len(receiver.received()) >= 4, 20, "four webhooks")
    wait_for(lambda: len(smtp.received()) >= 5, 20, "five e-mails")
    time.sleep(0.5)  # nothing more may follow
    hooks = receiver.received()
    assert [b["event"] for b in bodies(receiver)] == ["opened", "escalated", "assigned", "resolved"]
    for hook_request, body in zip(hooks, bodies(receiver), strict=True):
        assert hook_request.path == "/cmms"
        headers = {k.lower(): v for k, v in hook_request.headers.items()}
        assert verify(CHANNEL_SECRET, hook_request.body, headers[TIMESTAMP_HEADER.lower()],
                      headers[SIGNATURE_HEADER.lower()], now=time.time())  # fmt: skip
        assert body["ticket"]["id"] == ticket and body["machine"]["name"] == "Pump 07"
        assert (
            body["machine"]["line"] == "Line 2"
            and body["link"] == f"https://maint.example.com/tickets/{ticket}"
        )
    assert len({b["event_id"] for b in bodies(receiver)}) == 4
    assert bodies(receiver)[1]["ticket"]["priority"] == "CRITICAL"

    mails = smtp.received()
    by_person: dict[str, list[str]] = {}
    for m in mails:
        by_person.setdefault(m.recipients[0], []).append(str(m.message["Subject"]))
    engineer_email = next(r for r, _ in by_person.items() if r.startswith("engineer-"))
    technician_email = next(r for r, _ in by_person.items() if r.startswith("technician-"))
    subjects = [s.split(":")[0].removeprefix("[MaintainX] Ticket ") for s in by_person[engineer_email]]
    assert subjects == ["opened", "assigned", "resolved"]
    assert len(by_person[technician_email]) == 2 and len(mails) == 5
    text = mails[0].message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert f"https://maint.example.com/tickets/{ticket}" in text and "Pump 07" in text
    assert mails[0].sender == "maintainx@plant.example"

    wait_for(lambda: all_delivered(client, {"ticket_id": ticket}), 10, "every delivery recorded")
    listed = client.get("/api/notifications/deliveries", params={"ticket_id": ticket}).json()
    assert len(listed) == 9
    assert all(d["tries"][0]["ok"] and d["tries"][0]["status_code"] in (204, 250) for d in listed)
    assert engineer.id != technician.id


def test_a_receiver_down_for_a_while_gets_every_event_once_in_order_per_ticket(
    client: TestClient, seed: Any, receiver: HttpReceiver, worker: Callable[[], None]
) -> None:
    machines = [seed.machine(f"Press {i}") for i in range(4)]
    hook = webhook(client, receiver.url, secret=None)  # signed with the worker's default secret
    rule(client, hook)
    receiver.fail(5, status=503)
    worker()
    tickets = [open_ticket(client, m, priority="LOW") for m in machines]
    wait_for(lambda: receiver.failing() == 0, 20, "the five 503s to be served")
    receiver.fail(4, status=0)  # then dropped connections
    for ticket in tickets:
        patch(client, ticket, priority="HIGH")
        patch(client, ticket, priority="CRITICAL")
    wait_for(lambda: len(receiver.received()) >= 12, 30, "twelve webhooks")
    time.sleep(0.5)

    received = bodies(receiver)
    assert len(received) == 12 and len({b["event_id"] for b in received}) == 12
    for ticket in tickets:
        mine = [(b["event"], b["ticket"]["priority"]) for b in received if b["ticket"]["id"] == ticket]
        assert mine == [("opened", "LOW"), ("escalated", "HIGH"), ("escalated", "CRITICAL")]
    for hook_request in receiver.received():
        headers = {k.lower(): v for k, v in hook_request.headers.items()}
        assert verify(WEBHOOK_SECRET, hook_request.body, headers["x-maintainx-timestamp"],
                      headers["x-maintainx-signature"], now=time.time())  # fmt: skip
    wait_for(lambda: all_delivered(client, {"channel_id": hook}), 10, "every delivery recorded")
    listed = client.get("/api/notifications/deliveries", params={"channel_id": hook}).json()
    failures = [t for d in listed for t in d["tries"] if not t["ok"]]
    assert len(failures) == 9
    assert sorted(t["status_code"] for t in failures if t["status_code"]) == [503] * 5
    assert all(t["error"] for t in failures)


def test_a_4xx_fails_at_once_and_a_429_is_retried(
    client: TestClient, seed: Any, receiver: HttpReceiver, worker: Callable[[], None]
) -> None:
    hook = webhook(client, receiver.url)
    rule(client, hook)
    worker()
    receiver.fail(1, status=400)
    first = open_ticket(client, seed.machine("Mill 1"))

    def statuses() -> list[str]:
        listed = client.get("/api/notifications/deliveries", params={"ticket_id": first}).json()
        return [d["status"] for d in listed]

    wait_for(lambda: statuses() == ["failed"], 20, "the 400 to fail the delivery")
    receiver.fail(2, status=429)
    second = open_ticket(client, seed.machine("Mill 2"))

    def second_status() -> list[str]:
        return [
            d["status"]
            for d in client.get("/api/notifications/deliveries", params={"ticket_id": second}).json()
        ]

    wait_for(lambda: second_status() == ["delivered"], 20, "the 429s to be retried")
    assert len(receiver.received()) == 1
    failed = client.get("/api/notifications/deliveries", params={"ticket_id": first}).json()[0]
    assert failed["attempts"] == 1 and failed["tries"][0]["status_code"] == 400
    assert "HTTP 400" in failed["last_error"]
    delivered = client.get("/api/notifications/deliveries", params={"ticket_id": second}).json()[0]
    assert [t["status_code"] for t in delivered["tries"]] == [429, 429, 204]


def test_send_test_reaches_the_engineer_by_mail_and_the_webhook(
    anonymous: TestClient, login: Any, receiver: HttpReceiver, smtp: SmtpSink, worker: Callable[[], None]
) -> None:
    engineer = login(UserRole.ENGINEER, "Erin Engineer")
    anonymous.headers.update(engineer.headers)
    mail = anonymous.post("/api/notifications/channels", json={"name": "mail", "kind": "email"}).json()["id"]
    hook = webhook(anonymous, receiver.url, fmt="slack")
    worker()
    sent = anonymous.post(f"/api/notifications/channels/{mail}/test")
    assert sent.status_code == 202, sent.text
    anonymous.post(f"/api/notifications/channels/{hook}/test")
    wait_for(lambda: smtp.received() and receiver.received(), 20, "the test messages")
    assert smtp.received()[0].recipients[0].startswith("engineer-")
    assert "Test notification" in str(smtp.received()[0].message["Subject"])
    slack = orjson.loads(receiver.received()[0].body)
    assert slack["text"] == "[MaintainX] Test notification" and slack["blocks"]
    listed = anonymous.get("/api/notifications/deliveries").json()
    assert sent.json()["delivery_id"] in [d["id"] for d in listed]
