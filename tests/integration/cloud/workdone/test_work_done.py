"""Work done on a ticket through the real API, database and disk: time, parts with stock and the below-minimum
notice, checklist results, attachments checked by their bytes and size, and who may do what."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from cloud.config import Settings
from cloud.pm.scheduler import run_pass
from cloud.users.models import UserRole

pytestmark = pytest.mark.integration

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))


def _part(client: TestClient, sku: str = "6204-2RS", stock: int = 5, min_stock: int = 3) -> dict[str, Any]:
    response = client.post("/api/parts", json={"sku": sku, "name": "Bearing 6204", "stock": stock,
                                               "min_stock": min_stock})  # fmt: skip
    assert response.status_code == 201, response.text
    part: dict[str, Any] = response.json()
    return part


def test_time_parts_and_notes_are_recorded_and_using_parts_takes_them_from_stock_once(
    client: TestClient, seed: Any, expect_problem: Any
) -> None:
    ticket = seed.ticket(seed.machine("Pump 01"))
    part = _part(client)
    assert client.post(f"/api/tickets/{ticket}/time", json={"minutes": 45, "note": "swap"}).status_code == 201
    expect_problem(client.post(f"/api/tickets/{ticket}/time", json={"minutes": 0}), 422, "minutes")
    used = client.post(f"/api/tickets/{ticket}/parts", json={"part_id": part["id"], "quantity": 2})
    assert used.status_code == 201, used.text
    work = used.json()
    assert work["minutes_total"] == 45 and work["parts"][0]["quantity"] == 2
    [stocked] = client.get("/api/parts").json()
    assert (stocked["stock"], stocked["below_minimum"]) == (3, False)
    assert client.get("/api/notices").json() == []
    # Below the minimum: one notice for the crossing, none for the next use while it stays below.
    client.post(f"/api/tickets/{ticket}/parts", json={"part_id": part["id"], "quantity": 1})
    client.post(f"/api/tickets/{ticket}/parts", json={"part_id": part["id"], "quantity": 1})
    [notice] = client.get("/api/notices").json()
    assert notice["kind"] == "part_below_minimum" and notice["data"]["stock"] == 2
    assert notice["ticket_id"] == str(ticket)
    expect_problem(
        client.post(f"/api/tickets/{ticket}/parts", json={"part_id": part["id"], "quantity": 3}),
        409,
        "only 1",
    )
    assert client.get("/api/parts").json()[0]["stock"] == 1
    acked = client.post(f"/api/notices/{notice['id']}/acknowledge")
    assert acked.status_code == 200 and client.get("/api/notices").json() == []
    expect_problem(
        client.post("/api/parts", json={"sku": "6204-2RS", "name": "again", "stock": 1}), 409, "SKU"
    )
    kinds = [e["kind"] for e in client.get(f"/api/tickets/{ticket}/events").json()]
    assert kinds == ["time", "part", "part", "part"]


def test_checklist_results_and_who_may_record_work(
    client: TestClient, seed: Any, login: Any, sessions: sessionmaker[Session], expect_problem: Any
) -> None:
    machine = seed.machine("Pump 02")
    schedule = client.post(
        "/api/pm-schedules",
        json={"name": "Monthly", "machine_id": str(machine), "rule": {"kind": "day_of_month", "day": 1},
              "checklist": ["Grease", "Belt"]},
    ).json()  # fmt: skip
    with sessions.begin() as session:
        run_pass(session, datetime.fromisoformat(schedule["created_at"]) + timedelta(days=32))
    [ticket] = client.get("/api/tickets", params={"kind": "PREVENTIVE"}).json()["items"]
    url = f"/api/tickets/{ticket['id']}"
    done = client.put(f"{url}/checklist/0", json={"result": "DONE", "note": "3 g"})
    assert done.status_code == 200, done.text
    client.put(f"{url}/checklist/1", json={"result": "NOT_APPLICABLE"})
    results = [(i["result"], i["note"]) for i in client.get(f"{url}/work").json()["checklist"]]
    assert results == [("DONE", "3 g"), ("NOT_APPLICABLE", None)]
    expect_problem(client.put(f"{url}/checklist/7", json={"result": "DONE"}), 404, "no checklist item 7")
    expect_problem(client.put(f"{url}/checklist/0", json={"result": "MAYBE"}), 422, "result")
    technician = login(UserRole.TECHNICIAN)
    expect_problem(
        client.post(f"{url}/time", json={"minutes": 5}, headers=technician.headers),
        403,
        "not assigned to you",
    )
    # Reading follows the ticket: anyone signed in.
    assert client.get(f"{url}/work", headers=technician.headers).status_code == 200


def test_attachments_are_stored_on_disk_checked_by_their_bytes_and_size_and_downloaded_as_sent(
    client: TestClient, seed: Any, settings: Settings, expect_problem: Any
) -> None:
    ticket = seed.ticket(seed.machine("Pump 03"))
    url = f"/api/tickets/{ticket}/attachments"
    sent = client.post(url, params={"filename": "../../bearing photo.txt"}, content=PNG)
    assert sent.status_code == 201, sent.text
    body = sent.json()
    # The name is only shown; the type comes from the bytes, whatever the name says.
    assert (body["filename"], body["content_type"], body["size"]) == (
        "bearing photo.txt",
        "image/png",
        len(PNG),
    )
    assert body["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert settings.attachments_dir is not None
    [stored] = [p for p in Path(settings.attachments_dir).rglob("*") if p.is_file()]
    assert stored.read_bytes() == PNG and stored.parent.name == str(ticket)
    got = client.get(f"{url}/{body['id']}")
    assert got.status_code == 200 and got.content == PNG
    assert got.headers["content-type"] == "image/png" and got.headers["x-content-type-options"] == "nosniff"
    assert "filename*=UTF-8''bearing%20photo.txt" in got.headers["content-disposition"]
    expect_problem(client.post(url, params={"filename": "a.exe"}, content=b"MZ\x90\x00" + bytes(60)), 422)
    expect_problem(client.post(url, params={"filename": "e"}, content=b""), 422, "empty")
    too_big = b"a" * (settings.attachment_max_bytes + 1)
    expect_problem(client.post(url, params={"filename": "big.txt"}, content=too_big), 413)
    expect_problem(
        client.get(f"/api/tickets/{seed.ticket(seed.machine('P4'))}/attachments/{body['id']}"), 404
    )
    expect_problem(client.get(f"{url}/{uuid.uuid4()}"), 404)
    assert [a["id"] for a in client.get(f"/api/tickets/{ticket}/work").json()["attachments"]] == [body["id"]]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600), name=st.text(max_size=120))
def test_any_bytes_under_any_name_are_stored_and_returned_exactly_or_refused_clearly(
    client: TestClient, seed: Any, data: bytes, name: str
) -> None:
    ticket = seed.ticket(seed.machine("Pump 05"))
    response = client.post(
        f"/api/tickets/{ticket}/attachments", params={"filename": name or "x"}, content=data
    )
    if "\x00" in (name or "x"):
        assert response.status_code == 422
        return
    if response.status_code == 422:
        assert response.json()["detail"]
        return
    assert response.status_code == 201, response.text
    back = client.get(f"/api/tickets/{ticket}/attachments/{response.json()['id']}")
    assert back.content == data
