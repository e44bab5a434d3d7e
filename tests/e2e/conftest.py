"""Fixtures for the dashboard's browser tests: the real cloud API in a subprocess and a seeded fleet.

The API runs as ``python -m cloud api`` against the per-test PostgreSQL database and a private Mosquitto,
serving the built dashboard from ``dashboard/dist``. The fleet and its people (an admin, an engineer and two
technicians) are written straight into the database with SQL, so each test knows exactly what the dashboard
must show and who may do what.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from maintainx.services import Broker, free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
DASHBOARD_DIST = REPO_ROOT / "dashboard" / "dist"
# Uvicorn plus migrations-free start-up takes a second or two; a loaded CI box may need much longer.
API_START_TIMEOUT_S = 60
# One reading every 10 s and one prediction every 30 s over the last hour: enough points for a real chart.
READING_STEP_S = 10
PREDICTION_STEP_S = 30
WINDOW = timedelta(hours=1)
# A test-only signing key for access tokens (the API refuses to start without one outside the demo).
AUTH_SECRET = "e2e-signing-key-0123456789abcdefghijklmnopqrstuvwxyz"
PASSWORD = "e2e-password-1"


@dataclass(frozen=True)
class SeededUser:
    """A person who can sign in with ``PASSWORD``."""

    id: str
    email: str
    full_name: str
    role: str


USERS = {
    "admin": SeededUser(str(uuid.uuid4()), "admin@e2e.test", "Ada Admin", "admin"),
    "engineer": SeededUser(str(uuid.uuid4()), "engineer@e2e.test", "Erin Engineer", "engineer"),
    "tech": SeededUser(str(uuid.uuid4()), "tech@e2e.test", "Tess Tech", "technician"),
    "tech2": SeededUser(str(uuid.uuid4()), "tom@e2e.test", "Tom Tech", "technician"),
}


@dataclass
class SeededMachine:
    """A machine the test put in the database, with the risk its newest prediction carries."""

    id: str
    name: str
    type: str
    gateway_id: str
    risk: float | None


@dataclass
class SeededFleet:
    """What was seeded: machines (riskiest first) and the tickets by status."""

    machines: list[SeededMachine]
    # Unassigned, on the riskiest machine.
    open_ticket_id: str
    # Assigned to USERS["tech2"].
    in_progress_ticket_id: str
    users: dict[str, SeededUser]
    # "Now" for the seeded data: the newest reading is 5 s older, the newest prediction 2 s. Pages pin their
    # clock here (``pin_clock``), so ages on screen do not depend on how slowly a loaded machine runs.
    seeded_at: datetime


def api_data_dir(tmp_path: Path) -> Path:
    """The data folder the test's API runs with."""
    return tmp_path / "cloud-data"


@pytest.fixture
def registered_models(database_url: str, tmp_path: Path) -> list[str]:
    """Two signed model versions in the API's blob store, m-old the champion, m-new not yet promoted;
    gateways gw-01 and gw-02 in group hall-a. Returns the versions, oldest first."""
    from cloud.db import make_engine, session_factory
    from cloud.registry import rollout, service, signing
    from cloud.registry.store import store_for
    from tests.support.tiny_model import write_model_dir

    signing.generate_key(tmp_path / "model.key", tmp_path / "model.pub")
    key = signing.load_private_key(tmp_path / "model.key")
    versions = ["m-old", "m-new"]
    engine = make_engine(database_url)
    with session_factory(engine).begin() as s:
        for k, version in enumerate(versions):
            folder = write_model_dir(tmp_path / "models" / version, version=version, window=10)
            # Held-out figures as training writes them (the tiny model has none); m-new is the better one.
            manifest = json.loads((folder / "manifest.json").read_text())
            manifest["metrics"] = {
                "failure": {
                    "f1": 0.71 + 0.1 * k,
                    "precision": 0.8,
                    "recall": 0.64 + 0.15 * k,
                    "roc_auc": 0.93,
                },
                "train_seconds": 41.5,
            }
            manifest["parity"] = {"failure_prob_max_abs_diff": 3e-7, "rows": 2048}
            (folder / "manifest.json").write_text(json.dumps(manifest))
            service.register(db_session=s, store=store_for(api_data_dir(tmp_path)), model_dir=folder)
            service.sign(db_session=s, ref=version, key=key)
        service.set_alias(db_session=s, alias="champion", ref="m-old")
        for gateway_id in ("gw-01", "gw-02"):
            rollout.label(db_session=s, gateway_id=gateway_id, key="group", value="hall-a")
    engine.dispose()
    return versions


@pytest.fixture
def cloud_api(database_url: str, broker: Broker, tmp_path: Path) -> Iterator[str]:
    """Base URL of a running ``python -m cloud api`` serving the built dashboard; stopped afterwards."""
    if not (DASHBOARD_DIST / "index.html").is_file():
        pytest.fail(
            f"{DASHBOARD_DIST / 'index.html'} is missing: build the dashboard first "
            "(`make dashboard`, or `cd dashboard && npm ci && npm run build`)"
        )
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MQTT_URL": broker.url,
        "MAINTAINX_API_PORT": str(port),
        "MAINTAINX_DASHBOARD_DIR": str(DASHBOARD_DIST),
        "MAINTAINX_AUTH_SECRET": AUTH_SECRET,
        # Its own data folder (model blobs live under it), not the checkout's .maintainx/.
        "MAINTAINX_DATA_DIR": str(api_data_dir(tmp_path)),
    }
    log_path = tmp_path / "api.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cloud", "api"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, proc, log_path)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_until_healthy(base: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + API_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the API exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base + "/api/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise AssertionError(
        f"the API was not healthy within {API_START_TIMEOUT_S}s:\n{log_path.read_text()[-3000:]}"
    )


def _risk_curve(final: float, fraction: float) -> float:
    """A risk that rises from near zero to ``final`` over the hour, steepest at the end."""
    return round(final * fraction**3, 4)


@pytest.fixture
def seeded_fleet(database_url: str) -> SeededFleet:
    """Two gateways, four machines with an hour of readings and predictions, two tickets and four users."""
    from cloud.users.passwords import hash_password

    now = datetime.now(UTC)
    machines = [
        SeededMachine(str(uuid.uuid4()), "Pump 01", "pump", "gw-01", 0.92),
        SeededMachine(str(uuid.uuid4()), "Fan 02", "fan", "gw-01", 0.55),
        SeededMachine(str(uuid.uuid4()), "Press 03", "press", "gw-01", 0.12),
        SeededMachine(str(uuid.uuid4()), "Mill 04", "mill", "gw-02", None),
    ]
    engine = sa.create_engine(database_url)
    password_hash = hash_password(PASSWORD)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO users (id, email, full_name, role, password_hash, location)"
                " VALUES (:id, :email, :full_name, :role, :hash, 'Hall A')"
            ),
            [{**vars(u), "hash": password_hash} for u in USERS.values()],
        )
        conn.execute(
            sa.text(
                "INSERT INTO gateways"
                " (id, online, last_seen, agent_version, model_version, outbox_depth, dropped,"
                " clock_offset_s, clock_offset_at)"
                " VALUES (:id, :online, :last_seen, '0.1.0', 'm-2026.11.1', :depth, CAST(:dropped AS jsonb),"
                " :offset, :last_seen)"
            ),
            [
                {
                    "id": "gw-01",
                    "online": True,
                    "last_seen": now,
                    "depth": 0,
                    "dropped": "{}",
                    "offset": -0.2,
                },
                {
                    "id": "gw-02",
                    "online": False,
                    "last_seen": now - timedelta(minutes=42),
                    "depth": 312,
                    "dropped": json.dumps({"outbox_full": 17}),
                    "offset": -600.4,
                },
            ],
        )
        conn.execute(
            sa.text(
                "INSERT INTO machines (id, name, type, location, gateway_id, created_at)"
                " VALUES (:id, :name, :type, 'Hall A', :gw, :created)"
            ),
            [
                # Registered when their gateway first reported them, an hour ago (the data's start).
                {"id": m.id, "name": m.name, "type": m.type, "gw": m.gateway_id, "created": now - WINDOW}
                for m in machines
            ],
        )
        for k, m in enumerate(machines):
            conn.execute(sa.text(_READING_SQL), _readings(m, now, phase=k))
            if m.risk is not None:
                conn.execute(sa.text(_PREDICTION_SQL), _predictions(m, now))
        open_id, in_progress_id = str(uuid.uuid4()), str(uuid.uuid4())
        conn.execute(
            sa.text(
                "INSERT INTO maintenance_tickets"
                " (id, machine_id, title, status, priority, created_at, updated_at, reason, technician_id)"
                " VALUES (:id, :machine_id, :title, :status, :priority, :created, :created,"
                " CAST(:reason AS jsonb), :technician_id)"
            ),
            [
                _ticket(open_id, machines[0], "OPEN", "CRITICAL", now - timedelta(minutes=4), None),
                _ticket(
                    in_progress_id,
                    machines[1],
                    "IN_PROGRESS",
                    "LOW",
                    now - timedelta(minutes=50),
                    USERS["tech2"].id,
                ),
            ],
        )
    engine.dispose()
    return SeededFleet(
        machines=machines,
        open_ticket_id=open_id,
        in_progress_ticket_id=in_progress_id,
        users=USERS,
        seeded_at=now,
    )


_READING_SQL = (
    "INSERT INTO sensor_data (id, machine_id, timestamp, temperature, vibration, rpm, gateway_id, seq)"
    " VALUES (:id, :machine_id, :ts, :temperature, :vibration, :rpm, :gw, :seq)"
)
_PREDICTION_SQL = (
    "INSERT INTO predictions (id, machine_id, timestamp, failure_prob, is_anomaly, anomaly_score,"
    " model_version, gateway_id, seq, features, fault)"
    " VALUES (:id, :machine_id, :ts, :p, :anomaly, :score, 'm-2026.11.1', :gw, :seq,"
    " CAST(:features AS jsonb), :fault)"
)


def _readings(m: SeededMachine, now: datetime, phase: int) -> list[dict[str, object]]:
    steps = int(WINDOW.total_seconds()) // READING_STEP_S
    rows = []
    for i in range(steps):
        fraction = i / steps
        wear = (m.risk or 0.0) * fraction**2  # a failing machine heats up and shakes more towards the end
        rows.append(
            {
                "id": str(uuid.uuid4()),
                "machine_id": m.id,
                "ts": now - WINDOW + timedelta(seconds=i * READING_STEP_S + 5),
                "temperature": 62 + 4 * math.sin(i / 25 + phase) + 18 * wear,
                "vibration": 2.0 + 0.3 * math.sin(i / 7 + phase) + 4 * wear,
                "rpm": 1480 + 25 * math.sin(i / 40 + phase),
                "gw": m.gateway_id,
                "seq": i,
            }
        )
    return rows


def _predictions(m: SeededMachine, now: datetime) -> list[dict[str, object]]:
    assert m.risk is not None
    steps = int(WINDOW.total_seconds()) // PREDICTION_STEP_S
    rows = []
    for i in range(1, steps + 1):
        p = _risk_curve(m.risk, i / steps)
        rows.append(
            {
                "id": str(uuid.uuid4()),
                "machine_id": m.id,
                "ts": now - WINDOW + timedelta(seconds=i * PREDICTION_STEP_S - 2),
                "p": p,
                "anomaly": p > 0.8,
                "score": round(p * 3.1, 3),
                "gw": m.gateway_id,
                "seq": 100_000 + i,
                "features": json.dumps({"temperature_slope": 0.08 * p, "vibration_slope": 0.2 * p}),
                # The agent names a mode only at or above the model's failure threshold.
                "fault": "bearing_wear" if p >= 0.6 else None,
            }
        )
    return rows


def _ticket(
    ticket_id: str,
    m: SeededMachine,
    status: str,
    priority: str,
    created: datetime,
    technician_id: str | None,
) -> dict[str, object]:
    risk = m.risk or 0.0
    reason = {
        "model_version": "m-2026.11.1",
        "failure_prob": risk,
        "anomaly_score": round(risk * 3.1, 3),
        "prediction_ts": created.isoformat(),
        "features": {"temperature_slope": 0.074, "vibration_slope": 0.184, "vibration_mean": 5.6},
    }
    return {
        "id": ticket_id,
        "machine_id": m.id,
        "title": f"Failure risk {round(risk * 100)}% on {m.name}",
        "status": status,
        "priority": priority,
        "created": created,
        "reason": json.dumps(reason),
        "technician_id": technician_id,
    }
