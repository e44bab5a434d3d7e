"""``python -m cloud ingest`` started before its broker and database waits for them, then stores everything.

Before, the worker exited after 10 s without a broker. Now it retries with capped backoff (one log line per
attempt), keeps running whatever the wait, stores what is published once both are up, and stops on SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from contract.codec import encode
from contract.payloads import new_id
from contract.topics import Kind, gateway_topic
from maintainx.services import Broker
from tests.integration.cloud.ingestion.kit import Publisher, readings, scalar, telemetry, wait_until

pytestmark = pytest.mark.reliability

REPO = Path(__file__).resolve().parents[3]
GW = "gw-late"
# Longer than the 10 s after which the worker used to give up on the broker.
OLD_GIVE_UP_S = 10.0


def _log(path: Path) -> list[dict[str, object]]:
    return [
        json.loads(line) for line in path.read_text(errors="replace").splitlines() if line.startswith("{")
    ]


def _start_worker(database_url: str, broker: Broker, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MQTT_URL": broker.url,
        "MAINTAINX_INGEST_WORKER_ID": f"late-{uuid.uuid4().hex[:6]}",
    }
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "cloud", "ingest"], cwd=REPO, env=env, stderr=out)


def test_a_worker_started_before_the_broker_and_the_database_stores_messages_once_they_are_up(
    pg_admin_url: str, _template_db: str, late_database: tuple[str, str], tmp_path: Path
) -> None:
    url, name = late_database
    broker = Broker(tmp_path / "broker")  # its port is chosen; nothing listens there yet
    log = tmp_path / "ingest.log"
    worker = _start_worker(url, broker, log)
    try:
        started = time.monotonic()
        wait_until(
            lambda: sum("cannot reach the broker" in str(e["msg"]) for e in _log(log)) >= 2,
            timeout=60,
            what="two logged broker attempts",
        )
        while time.monotonic() - started < OLD_GIVE_UP_S + 2:
            assert worker.poll() is None, "the worker gave up waiting"
            time.sleep(0.5)
        attempts = [e for e in _log(log) if "cannot reach the broker" in str(e["msg"])]
        # One line per attempt, the attempts spaced by the backoff: a handful over ~12 s, not a flood.
        assert 2 <= len(attempts) <= 12

        # The database comes up (created, migrated), then the broker.
        admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{_template_db}"'))
        admin.dispose()
        broker.start()
        engine = sa.create_engine(url)
        publisher = Publisher(broker)
        topic = gateway_topic(GW, Kind.TELEMETRY)
        machine_id = new_id()
        probe = encode(telemetry(GW, readings(machine_id, 1, start_seq=0)))

        def probe_landed() -> bool:
            publisher.publish(topic, probe)
            return scalar(engine, "SELECT count(*) FROM sensor_data") == 1

        wait_until(probe_landed, timeout=90, what="the first reading stored once both are up")
        for i in range(10):
            publisher.publish(topic, encode(telemetry(GW, readings(machine_id, 50, start_seq=1 + 50 * i))))
        wait_until(
            lambda: scalar(engine, "SELECT count(*) FROM sensor_data") == 501,
            timeout=60,
            what="all 501 readings",
        )
        assert scalar(engine, "SELECT count(DISTINCT id) FROM sensor_data") == 501
        publisher.close()
        engine.dispose()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)
        broker.stop()


def test_a_worker_waiting_for_its_broker_stops_cleanly_on_sigterm(
    late_database: tuple[str, str], tmp_path: Path
) -> None:
    broker = Broker(tmp_path / "broker")  # never started
    log = tmp_path / "ingest.log"
    worker = _start_worker(late_database[0], broker, log)
    try:
        wait_until(
            lambda: any("cannot reach the broker" in str(e["msg"]) for e in _log(log)),
            timeout=60,
            what="a logged broker attempt",
        )
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)
    assert "Traceback" not in log.read_text(errors="replace")
