"""A ticket a technician can act on, through the real engine, API and PostgreSQL: why in plant units, the
time left, the title naming the fault, and what followed the resolution (repair sent, back to normal)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cloud.engine.runner import TicketEngine
from cloud.gateways.models import Gateway
from cloud.predictions.models import Prediction
from cloud.telemetry.models import SensorData
from cloud.tickets.models import MaintenanceTicket
from contract import new_id

pytestmark = pytest.mark.integration

# Healthy pumps vibrate around 2.1 mm/s; the failing one has reached 7.3 and climbs 0.23 mm/s a minute.
HEALTHY_VIBRATION = (1.5, 2.1, 2.7)
FAILING_VIBRATION = 7.3
RISE_PER_MIN = 0.23


def _features(vibration: float, temperature: float = 60.0, rpm: float = 1480.0) -> dict[str, float]:
    return {
        "vibration_mean": vibration,
        "vibration_slope": 0.0,
        "temperature_mean": temperature,
        "temperature_slope": 0.0,
        "rpm_mean": rpm,
        "rpm_slope": 0.0,
    }


def _predict(
    sessions: sessionmaker[Session],
    machine_id: uuid.UUID,
    rows: list[tuple[datetime, float, dict[str, float], str | None]],
) -> None:
    with sessions.begin() as s:
        for k, (ts, risk, features, fault) in enumerate(rows):
            s.add(
                Prediction(
                    id=new_id(),
                    machine_id=machine_id,
                    timestamp=ts,
                    failure_prob=risk,
                    anomaly_score=risk,
                    is_anomaly=risk > 0.5,
                    model_version="m-2026.12.1",
                    gateway_id="gw-01",
                    seq=10_000 + k + int(ts.timestamp()),
                    features=features,
                    fault=fault,
                )
            )


def _failing_pump(seed: Any, sessions: sessionmaker[Session], now: datetime) -> uuid.UUID:
    """Healthy pumps for the baseline, and Pump 07 whose vibration rises into a bearing-wear ticket."""
    for n, vibration in enumerate(HEALTHY_VIBRATION):
        healthy = seed.machine(f"Pump 0{n + 1}", gateway_id=None)
        _predict(
            sessions,
            healthy,
            [(now - timedelta(minutes=5, seconds=s), 0.05, _features(vibration), None) for s in range(10)],
        )
    failing = seed.machine("Pump 07", gateway_id=None)
    # One reading a minute over the last ten, rising linearly to FAILING_VIBRATION now.
    with sessions.begin() as s:
        s.execute(
            SensorData.__table__.insert(),
            [
                {
                    "id": new_id(),
                    "machine_id": failing,
                    "timestamp": now - timedelta(minutes=m),
                    "temperature": 61.0,
                    "vibration": FAILING_VIBRATION - RISE_PER_MIN * m,
                    "rpm": 1480.0,
                    "gateway_id": "gw-01",
                    "seq": m,
                }
                for m in range(10)
            ],
        )
    _predict(
        sessions,
        failing,
        [
            (now - timedelta(seconds=4 - k), 0.86, _features(FAILING_VIBRATION), "bearing_wear")
            for k in range(5)
        ],
    )
    return failing


def test_the_engines_ticket_says_why_in_plant_units_against_the_types_normal(
    client: TestClient, seed: Any, sessions: sessionmaker[Session]
) -> None:
    now = datetime.now(UTC)
    pump = _failing_pump(seed, sessions, now)

    assert TicketEngine(sessions).tick().opened == 1
    (ticket,) = client.get("/api/tickets", params={"machine_id": str(pump)}).json()["items"]
    body = client.get(f"/api/tickets/{ticket['id']}").json()

    assert body["title"] == "Bearing wear on Pump 07"  # no frozen risk figure beside a live badge
    reason = body["reason"]
    assert reason["fault"] == "bearing_wear" and reason["model_version"] == "m-2026.12.1"
    assert reason["confirmed_risk"] == 0.86
    assert reason["policy"] == {"enter": 0.7, "n_of_m": [3, 5]}
    assert reason["baseline"] == {"machine_type": "pump", "predictions": 30}
    assert reason["drivers"][0]["feature"] == "vibration_mean"
    vibration = reason["signals"][0]
    assert (vibration["signal"], vibration["label"], vibration["unit"]) == ("vibration", "Vibration", "mm/s")
    assert vibration["value"] == FAILING_VIBRATION
    assert vibration["normal_mean"] == pytest.approx(2.1)
    assert vibration["normal_std"] == pytest.approx(0.4899, abs=1e-3)
    assert vibration["trend_per_hour"] == pytest.approx(RISE_PER_MIN * 60, rel=1e-3)
    assert vibration["z"] > 10
    opened = datetime.fromisoformat(body["created_at"])
    assert datetime.fromisoformat(reason["failure_expected_by"]) == opened + timedelta(hours=24)
    assert body["aftercare"] is None  # not resolved


def test_resolving_says_the_repair_was_sent_then_when_the_machine_is_back_to_normal(
    client: TestClient, seed: Any, sessions: sessionmaker[Session]
) -> None:
    pump = seed.machine("Pump 03", gateway_id=None)
    with sessions.begin() as s:
        s.add(Gateway(id="gw-07", online=True))
    fan = seed.machine("Fan 01", gateway_id="gw-07")
    no_gateway = seed.ticket(pump, created_at=datetime.now(UTC) - timedelta(minutes=5))
    with_gateway = seed.ticket(fan, created_at=datetime.now(UTC) - timedelta(minutes=5))
    resolve = {"status": "RESOLVED", "outcome": "CONFIRMED_FAULT", "root_cause": "worn bearing"}

    for ticket_id in (no_gateway, with_gateway):
        assert client.patch(f"/api/tickets/{ticket_id}", json={"status": "IN_PROGRESS"}).status_code == 200
    resolved = client.patch(f"/api/tickets/{with_gateway}", json=resolve).json()

    care = resolved["aftercare"]
    assert care["gateway_id"] == "gw-07" and care["repair_queued"] is False
    assert datetime.fromisoformat(care["repair_sent_at"]) >= datetime.fromisoformat(resolved["resolved_at"])
    assert care["exit_threshold"] == 0.4 and care["back_to_normal_at"] is None
    events = client.get(f"/api/tickets/{with_gateway}/events").json()
    assert events[-1]["kind"] == "repair_sent" and events[-1]["data"] == {
        "gateway_id": "gw-07",
        "queued": False,
    }

    # Still risky just after the repair, then below the exit level: the first low verdict is "back to normal".
    resolved_at = datetime.fromisoformat(resolved["resolved_at"])
    seed.predictions(fan, [0.8, 0.35, 0.2], end=resolved_at + timedelta(seconds=3))
    care = client.get(f"/api/tickets/{with_gateway}").json()["aftercare"]
    assert datetime.fromisoformat(care["back_to_normal_at"]) == resolved_at + timedelta(seconds=2)
    assert care["back_to_normal_risk"] == 0.35
    machine = client.get(f"/api/machines/{fan}").json()
    assert machine["last_repair_at"] == resolved["resolved_at"]

    # A machine with no gateway: nothing was sent, and the page says so rather than pretending.
    care = client.patch(f"/api/tickets/{no_gateway}", json=resolve).json()["aftercare"]
    assert care["repair_sent_at"] is None and care["gateway_id"] is None


def test_a_ticket_opened_before_signal_lines_were_stored_still_names_its_signals_and_units(
    client: TestClient, seed: Any, sessions: sessionmaker[Session]
) -> None:
    pump = seed.machine("Pump 04")
    ticket_id = seed.ticket(pump)
    with sessions.begin() as s:
        ticket = s.get(MaintenanceTicket, ticket_id)
        assert ticket is not None
        ticket.reason = ticket.reason | {
            "features": {"temperature_slope": 0.4, "temperature_mean": 81.5},
            "drivers": [
                {"feature": "temperature_slope", "value": 0.4, "baseline_mean": 0.0, "baseline_std": 0.05,
                 "z": 8.0, "kind": "trend"},
                {"feature": "rpm_mean", "value": 1400.0, "baseline_mean": 1480.0, "baseline_std": 20.0,
                 "z": -4.0, "kind": "level"},
            ],
        }  # fmt: skip

    reason = client.get(f"/api/tickets/{ticket_id}").json()["reason"]

    temperature, rpm = reason["signals"]
    assert (temperature["label"], temperature["unit"], temperature["value"]) == ("Temperature", "°C", 81.5)
    assert temperature["feature"] == "temperature_slope" and temperature["z"] == 8.0
    assert temperature["normal_mean"] is None and temperature["trend_per_hour"] is None
    # The snapshot lacks the speed's window mean: the line says the unit and no made-up value.
    assert (rpm["unit"], rpm["value"]) == ("rpm", None)
    assert reason["failure_expected_by"] is None  # no horizon stored
