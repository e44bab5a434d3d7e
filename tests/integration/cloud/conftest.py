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
from pydantic import SecretStr
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
from cloud.users.passwords import hash_password
from contract import new_id
from maintainx.services import Broker

# A signing key for the tests' API (random enough to pass the settings' checks, never used elsewhere).
TEST_AUTH_SECRET = "test-only-signing-key-0123456789abcdef"
PASSWORD = "correct horse battery staple"


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
        self,
        machine_id: uuid.UUID,
        probs: list[float],
        *,
        end: datetime | None = None,
        step_s: float = 1.0,
        faults: list[str | None] | None = None,
    ) -> list[datetime]:
        """Predictions ``step_s`` apart, the last at ``end`` (default now); returns their times.

        ``faults`` names the failure mode of each (default: none named)."""
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
                "fault": fault,
            }
            for ts, p, fault in zip(times, probs, faults or [None] * len(probs), strict=True)
        ]
        with self.sessions.begin() as s:
            s.execute(Prediction.__table__.insert(), rows)
        return times

    def user(
        self,
        name: str = "Tess Technician",
        *,
        role: UserRole = UserRole.TECHNICIAN,
        password: str | None = None,
        email: str | None = None,
        **fields: Any,
    ) -> uuid.UUID:
        """Insert a person (a technician unless ``role`` says otherwise) and return their id."""
        email = email or f"{uuid.uuid4().hex[:8]}@example.com"
        password_hash = hash_password(password) if password is not None else None
        with self.sessions.begin() as db:
            user = User(email=email, full_name=name, role=role, password_hash=password_hash, **fields)
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
        technician_id: uuid.UUID | None = None,
        fault: str = "failure_risk",
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
                    technician_id=technician_id,
                    fault=fault,
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
    return Settings(
        database_url=database_url,
        mqtt_url=broker.url,
        dashboard_dir=tmp_path / "no-dashboard",
        attachments_dir=tmp_path / "attachments",
        auth_secret=SecretStr(TEST_AUTH_SECRET),
        stream_poll_s=0.2,
    )


class Caller:
    """A signed-in person: their id, role and the headers that carry their token."""

    def __init__(self, user_id: uuid.UUID, role: UserRole, token: str) -> None:
        self.id = user_id
        self.role = role
        self.token = token
        self.headers = {"Authorization": f"Bearer {token}"}


class Login:
    """Makes people with passwords and signs them in through POST /api/auth/login."""

    def __init__(self, client: TestClient, seed: Seeder) -> None:
        self.client = client
        self.seed = seed

    def __call__(self, role: UserRole = UserRole.ADMIN, name: str | None = None, **fields: Any) -> Caller:
        """A new user of ``role``, signed in."""
        email = f"{role.value}-{uuid.uuid4().hex[:6]}@example.com"
        user_id = self.seed.user(
            name or f"Test {role.value}", role=role, email=email, password=PASSWORD, **fields
        )
        response = self.client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return Caller(user_id, role, response.json()["access_token"])


@pytest.fixture
def anonymous(settings: Settings) -> Iterator[TestClient]:
    """A client of the real app (lifespan included) that sends no token."""
    with TestClient(create_app(settings)) as c:
        assert c.app.state.commands.wait_connected(10), "the API's MQTT publisher did not connect"  # type: ignore[attr-defined]
        yield c


@pytest.fixture
def login(anonymous: TestClient, seed: Seeder) -> Login:
    """Sign in a new user of a role: ``login(UserRole.TECHNICIAN).headers``."""
    return Login(anonymous, seed)


@pytest.fixture
def admin(login: Login) -> Caller:
    """A signed-in admin."""
    return login(UserRole.ADMIN, "Ada Admin")


@pytest.fixture
def client(anonymous: TestClient, admin: Caller) -> TestClient:
    """The same client, sending an admin's token with every request (for tests not about permissions)."""
    anonymous.headers.update(admin.headers)
    return anonymous


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
