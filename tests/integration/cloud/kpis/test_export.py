"""CSV exports on real PostgreSQL: every row parsed back and compared, formula-like text guarded, numbers
left as numbers, range limits and sign-in enforced."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cloud.kpis.export import BATCH_ROWS, Dataset, columns
from cloud.machines.models import Machine
from cloud.predictions.models import Prediction
from cloud.tickets.models import TicketKind, TicketOutcome
from contract import new_id
from tests.integration.cloud.kpis.kit import END, START, at, seed_plant, ticket

pytestmark = pytest.mark.integration
HOSTILE_NAME = '=HYPERLINK("http://evil.example","x")'
READINGS = BATCH_ROWS + 500  # more than one batch: the stream's chunks join up


def _csv(client: TestClient, dataset: str, **params: Any) -> list[dict[str, str]]:
    response = client.get(f"/api/exports/{dataset}.csv", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert f"maintainx-{dataset}-" in response.headers["content-disposition"]
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline=""))
    assert reader.fieldnames == columns(Dataset(dataset))
    return list(reader)


def _seed_hostile(sessions: sessionmaker[Session], seed: Any) -> tuple[uuid.UUID, uuid.UUID, list[datetime]]:
    with sessions.begin() as db:
        machine = Machine(id=new_id(), name=HOSTILE_NAME, type="pump", created_at=START)
        db.add(machine)
        db.flush()
        ticket_id = ticket(
            db,
            machine.id,
            kind=TicketKind.CORRECTIVE,
            created=at(15),
            resolved=at(15, 2),
            outcome=TicketOutcome.MISSED,
            title="@SUM(A1:A9)",
            root_cause='-2+3, "quoted"\nand a new line',
        )
    times = [at(15) + timedelta(seconds=i) for i in range(READINGS)]
    seed.readings(machine.id, times, temperature=-5.5, vibration=2.25, rpm=1500.0)
    with sessions.begin() as db:
        db.add(
            Prediction(
                id=new_id(),
                machine_id=machine.id,
                timestamp=at(15, 1),
                failure_prob=0.25,
                is_anomaly=False,
                anomaly_score=0.5,
                model_version="+v9",
                gateway_id="gw-01",
                seq=1,
                fault="\tbearing",
            )
        )
    return machine.id, ticket_id, times


def test_exports_round_trip_every_row_guard_formulas_and_limit_the_range(
    client: TestClient, sessions: sessionmaker[Session], seed: Any, expect_problem: Any
) -> None:
    plant = seed_plant(sessions)
    machine_id, ticket_id, times = _seed_hostile(sessions, seed)
    period = {"start": START.isoformat(), "end": END.isoformat()}

    tickets = _csv(client, "tickets", **period)
    assert len(tickets) == 10  # the plant's 9 in March and the hostile one
    assert [t["created_at"] for t in tickets] == sorted(t["created_at"] for t in tickets)
    (hostile,) = [t for t in tickets if t["id"] == str(ticket_id)]
    assert hostile == {
        **{name: "" for name in columns(Dataset.TICKETS)},
        "id": str(ticket_id),
        "created_at": "2026-03-15T00:00:00Z",
        "resolved_at": "2026-03-15T02:00:00Z",
        "machine_id": str(machine_id),
        "machine": "'" + HOSTILE_NAME,
        "kind": "CORRECTIVE",
        "status": "RESOLVED",
        "priority": "HIGH",
        "outcome": "MISSED",
        "fault": hostile["fault"],
        "root_cause": '\'-2+3, "quoted"\nand a new line',
        "title": "'@SUM(A1:A9)",
    }
    site_b = _csv(client, "tickets", **period, site_id=str(plant.site_b))
    assert [(t["site"], t["line"], t["machine"]) for t in site_b] == [("Beta", "B1", "M3")] * 2

    readings = _csv(client, "readings", **period, machine_id=str(machine_id))
    assert len(readings) == READINGS
    for row, ts in zip(readings, times, strict=True):
        assert row["timestamp"] == ts.isoformat().replace("+00:00", "Z")
        assert (row["machine"], row["temperature"], row["vibration"], row["rpm"]) == (
            "'" + HOSTILE_NAME,
            "-5.5",
            "2.25",
            "1500.0",
        )
    assert len({row["id"] for row in readings}) == READINGS

    (prediction,) = _csv(client, "predictions", **period)
    assert (prediction["model_version"], prediction["fault"], prediction["failure_prob"]) == (
        "'+v9",
        "'\tbearing",
        "0.25",
    )
    assert (prediction["timestamp"], prediction["is_anomaly"]) == ("2026-03-15T01:00:00Z", "false")

    start = datetime(2026, 1, 1, tzinfo=UTC)
    month_and_a_day = {"start": start.isoformat(), "end": (start + timedelta(days=32)).isoformat()}
    expect_problem(client.get("/api/exports/readings.csv", params=month_and_a_day), 422, "31 days")
    assert client.get("/api/exports/tickets.csv", params=month_and_a_day).status_code == 200
    expect_problem(client.get("/api/exports/sensors.csv"), 422)


def test_figures_and_exports_need_a_signed_in_user(anonymous: TestClient, expect_problem: Any) -> None:
    expect_problem(anonymous.get("/api/kpis"), 401)
    expect_problem(anonymous.get("/api/exports/tickets.csv"), 401)
