"""``python -m cloud``: real processes configured from the environment, logging JSON, stopping on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from cloud.auth.tokens import issue_access_token
from maintainx.services import Broker, free_port, wait_for_port

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]


def cloud_process(command: str, database_url: str, broker: Broker, **env: str) -> subprocess.Popen[str]:
    """Start ``python -m cloud <command>`` configured through the environment only."""
    return subprocess.Popen(
        [sys.executable, "-m", "cloud", command],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": database_url, "MQTT_URL": broker.url, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(proc: subprocess.Popen[str]) -> tuple[int, list[dict[str, object]]]:
    """SIGTERM the process; return its exit code and its log lines, each parsed as JSON."""
    proc.send_signal(signal.SIGTERM)
    try:
        _, stderr = proc.communicate(timeout=15)
    finally:
        proc.kill()
    return proc.returncode, [json.loads(line) for line in stderr.splitlines() if line.strip()]


def test_api_serves_health_logs_json_and_stops_on_sigterm(database_url: str, broker: Broker) -> None:
    port = free_port()
    secret = "main-test-signing-key-0123456789abcdef"
    proc = cloud_process(
        "api", database_url, broker, MAINTAINX_API_PORT=str(port), MAINTAINX_AUTH_SECRET=secret
    )
    token = issue_access_token(user_id=uuid.uuid4(), role="admin", key=secret, ttl_s=60).token
    try:
        wait_for_port(port, timeout=30)
        response = httpx.get(
            f"http://127.0.0.1:{port}/api/health", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
    finally:
        code, logs = stop(proc)
    assert response.status_code == 200
    assert response.json()["database"]["ok"] is True
    # uvicorn shuts down gracefully, then re-raises the signal: "killed by SIGTERM" is its clean exit.
    assert code in (0, -signal.SIGTERM)
    assert any("shutdown complete" in str(entry["msg"]) for entry in logs), logs
    assert {"ts", "level", "logger", "msg"} <= set(logs[0])
    assert any("API ready" in str(entry["msg"]) for entry in logs)


def test_engine_opens_a_ticket_and_stops_on_sigterm(database_url: str, broker: Broker) -> None:
    db = sa.create_engine(database_url)
    machine_id = uuid.uuid4()
    with db.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO machines (id, name, type) VALUES (:id, 'Pump 03', 'pump')"),
            {"id": machine_id},
        )
        for second in range(3):
            conn.execute(
                sa.text(
                    "INSERT INTO predictions (id, machine_id, timestamp, failure_prob, is_anomaly,"
                    " anomaly_score, model_version, gateway_id, seq) VALUES (:id, :m,"
                    " now() - make_interval(secs => :s), 0.95, true, 0.9, 'm-1', 'gw-01', :s)"
                ),
                {"id": uuid.uuid4(), "m": machine_id, "s": second},
            )
    proc = cloud_process("engine", database_url, broker)
    try:
        deadline = time.monotonic() + 20
        titles: list[str] = []
        while not titles and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            with db.connect() as conn:
                titles = list(conn.execute(sa.text("SELECT title FROM maintenance_tickets")).scalars())
    finally:
        code, logs = stop(proc)
        db.dispose()
    assert titles == ["Failure risk on Pump 03"]
    assert code == 0
    messages = [str(entry["msg"]) for entry in logs]
    assert any("ticket engine stopped" in m for m in messages)


def test_migrate_brings_an_empty_database_up_to_date(pg_admin_url: str, broker: Broker) -> None:
    name = "h3b_migrate_test"
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "cloud", "migrate"],
            cwd=REPO,
            env={**os.environ, "DATABASE_URL": url, "MQTT_URL": broker.url},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
        engine.dispose()
        assert {"machines", "sensor_data", "predictions", "maintenance_tickets", "engine_state"} <= tables
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
