"""Fixtures for the cloud API and engine tests: a session factory on the per-test database, data seeding,
and a TestClient over the real app (real PostgreSQL, real Mosquitto)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cloud.app import create_app
from cloud.config import Settings
from cloud.db import make_engine, session_factory
from cloud.gateways.models import Gateway
from cloud.machines.models import Machine
from cloud.predictions.models import Prediction
from cloud.telemetry.models import SensorData
from cloud.tickets.models import MaintenanceTicket, TicketPriority, TicketStatus
from cloud.users.models import User, UserRole
from contract import new_id
from maintainx.services import Broker


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on the test's fresh database."""
    engine = make_engine(database_url)
    yield session_factory(engine)
    engine.dispose()


class Seeder:
    """Writes test data straight into the database, the way ingestion and the engine would."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self._seq = 0

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def gateway(self, gateway_id: str = "gw-01", *, online: bool = True, **fields: Any) -> str:
        """A gateway row."""
        with self.sessions.begin() as s:
            s.add(Gateway(id=gateway_id, online=online, last_seen=datetime.now(UTC), **fields))
        return gateway_id

    def machine(
        self, name: str, *, gateway_id: str | None = None, type: str = "pump", **fields: Any
    ) -> uuid.UUID:
        """A machine row; returns its id."""
        machine_id = new_id()
        with self.sessions.begin() as s:
            s.add(Machine(id=machine_id, name=name, type=type, gateway_id=gateway_id, **fields))
        return machine_id

    def readings(self, machine_id: uuid.UUID, times: list[datetime], **values: float) -> None:
        """One reading per time, with constant or default values."""
        rows = [
            {
                "id": new_id(),
                "machine_id": machine_id,
                "timestamp": ts,
                "temperature": values.get("temperature", 60.0 + i % 10),
                "vibration": values.get("vibration", 2.0),
                "rpm": values.get("rpm", 1500.0),
                "gateway_id": "gw-01",
                "seq": self._next_seq(),
            }
            for i, ts in enumerate(times)
        ]
        with self.sessions.begin() as s:
            s.execute(SensorData.__table__.insert(), rows)

    def predictions(
        self, machine_id: uuid.UUID, probs: list[float], *, end: datetime | None = None, step_s: float = 1.0
    ) -> list[datetime]:
        """Predictions ``step_s`` apart, the last at ``end`` (default now); returns their times."""
        end = end or datetime.now(UTC)
        times = [end - timedelta(seconds=step_s * (len(probs) - 1 - i)) for i in range(len(probs))]
        rows = [
            {
                "id": new_id(),
                "machine_id": machine_id,
                "timestamp": ts,
                "failure_prob": p,
                "anomaly_score": min(1.0, p + 0.05),
                "is_anomaly": p >= 0.5,
                "model_version": "test-model-1",
                "gateway_id": "gw-01",
                "seq": self._next_seq(),
                "features": {"vibration_rms": 3.5, "temperature_slope": 0.2},
            }
            for ts, p in zip(times, probs, strict=True)
        ]
        with self.sessions.begin() as s:
            s.execute(Prediction.__table__.insert(), rows)
        return times

    def user(
        self, name: str = "Tess Technician", *, role: UserRole = UserRole.TECHNICIAN, **fields: Any
    ) -> uuid.UUID:
        """Insert a person (a technician unless ``role`` says otherwise) and return their id."""
        with self.sessions.begin() as db:
            user = User(email=f"{uuid.uuid4().hex[:8]}@example.com", full_name=name, role=role, **fields)
            db.add(user)
            db.flush()
            return user.id

    def ticket(
        self,
        machine_id: uuid.UUID,
        *,
        status: TicketStatus = TicketStatus.OPEN,
        priority: TicketPriority = TicketPriority.HIGH,
        created_at: datetime | None = None,
        resolved_at: datetime | None = None,
    ) -> uuid.UUID:
        """A ticket row; returns its id."""
        created_at = created_at or datetime.now(UTC)
        ticket_id = new_id()
        reason = {
            "model_version": "test-model-1",
            "failure_prob": 0.85,
            "anomaly_score": 0.9,
            "prediction_ts": created_at.isoformat(),
            "features": {"vibration_rms": 3.5},
        }
        with self.sessions.begin() as s:
            s.add(
                MaintenanceTicket(
                    id=ticket_id,
                    machine_id=machine_id,
                    title="Failure risk 85% on test",
                    status=status,
                    priority=priority,
                    created_at=created_at,
                    updated_at=created_at,
                    resolved_at=resolved_at,
                    reason=reason,
                )
            )
        return ticket_id


@pytest.fixture
def seed(sessions: sessionmaker[Session]) -> Seeder:
    """Seeds the test database."""
    return Seeder(sessions)


@pytest.fixture
def settings(database_url: str, broker: Broker, tmp_path: Path) -> Settings:
    """Settings pointing at the test's database and broker, with no built dashboard."""
    return Settings(database_url=database_url, mqtt_url=broker.url, dashboard_dir=tmp_path / "no-dashboard")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """A client of the real app, lifespan included (database engine, MQTT publisher)."""
    with TestClient(create_app(settings)) as c:
        assert c.app.state.commands.wait_connected(10), "the API's MQTT publisher did not connect"  # type: ignore[attr-defined]
        yield c


def assert_problem(response: Any, status: int, detail_contains: str = "") -> dict[str, Any]:
    """Check ``response`` is a problem+json document of ``status``; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["type"] == "about:blank"
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert detail_contains in (body["detail"] or "")
    return body


@pytest.fixture
def expect_problem() -> Any:
    """The problem+json checker, for test modules (they cannot import conftest)."""
    return assert_problem
