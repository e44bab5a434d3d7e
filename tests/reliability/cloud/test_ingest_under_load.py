"""Ingestion under load survives crashes: workers killed with SIGKILL again and again, and PostgreSQL
restarted mid-stream; every reading published is stored exactly once and rolled up exactly once."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
import sqlalchemy as sa
from paho.mqtt.enums import CallbackAPIVersion

from cloud.db import upgrade_database
from cloud.embedded_postgres import embedded_postgres
from contract.codec import encode
from contract.payloads import new_id
from contract.topics import Kind, gateway_topic
from maintainx.services import Broker
from tests.conftest import reachable_tmpdir
from tests.integration.cloud.ingestion.kit import readings, scalar, telemetry, wait_until
from tests.reliability.cloud.kit import Worker

pytestmark = pytest.mark.reliability

GW = "gw-load"
MESSAGES = 240
READINGS_PER_MESSAGE = 50
# Spread publishing over several seconds so the crashes land in the middle of the stream.
PUBLISH_INTERVAL_S = 0.03


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    """Started workers, all killed at the end whatever happened."""
    started: list[Worker] = []
    yield started
    for w in started:
        w.kill()


def _publish_stream(broker: Broker, machine: uuid.UUID, done: threading.Event) -> None:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"load-{uuid.uuid4().hex[:6]}")
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    topic = gateway_topic(GW, Kind.TELEMETRY)
    try:
        for i in range(MESSAGES):
            rows = readings(machine, READINGS_PER_MESSAGE, start_seq=i * READINGS_PER_MESSAGE)
            client.publish(topic, encode(telemetry(GW, rows)), qos=1).wait_for_publish(10)
            time.sleep(PUBLISH_INTERVAL_S)
    finally:
        client.disconnect()
        client.loop_stop()
        done.set()


def _wait_connected(db: sa.Engine, count: int) -> None:
    wait_until(
        lambda: scalar(db, "SELECT count(*) FROM ingestion_workers WHERE broker_connected") == count,
        timeout=30,
        what=f"{count} workers connected",
    )
    time.sleep(1.0)  # the heartbeat may come just before the SUBACK


def _assert_stored_once(db: sa.Engine) -> None:
    total = MESSAGES * READINGS_PER_MESSAGE
    wait_until(
        lambda: scalar(db, "SELECT coalesce(sum(n), 0) FROM sensor_rollup_1m") == total,
        timeout=90,
        what=f"{total} readings committed",
    )
    time.sleep(1.0)  # anything still in flight would show up now as an over-count
    assert scalar(db, "SELECT count(*) FROM sensor_data") == total
    assert scalar(db, "SELECT count(DISTINCT seq) FROM sensor_data") == total
    assert scalar(db, "SELECT sum(n) FROM sensor_rollup_1m") == total
    assert scalar(db, "SELECT sum(n) FROM sensor_rollup_1h") == total
    assert scalar(db, "SELECT count(*) FROM dead_letters") == 0


def test_workers_killed_repeatedly_during_load_lose_and_duplicate_nothing(
    broker: Broker, database_url: str, tmp_path: Path, workers: list[Worker]
) -> None:
    db = sa.create_engine(database_url)
    try:
        workers.extend(Worker(broker, database_url, f"kill-{i}", tmp_path / f"w{i}.log") for i in range(2))
        _wait_connected(db, 2)
        done = threading.Event()
        threading.Thread(target=_publish_stream, args=(broker, new_id(), done), daemon=True).start()
        kills = 0
        while not done.is_set():
            time.sleep(1.2)
            workers[kills % 2].restart()
            kills += 1
        assert kills >= 4, "the stream ended before the workers were killed enough times"
        _assert_stored_once(db)
        assert all(w.proc.poll() is None for w in workers)
    finally:
        db.dispose()


def test_postgresql_restarted_during_load_ingestion_waits_and_resumes_losing_nothing(
    broker: Broker, tmp_path: Path, workers: list[Worker]
) -> None:
    import pgserver

    # pgserver's own pg_ctl wrapper runs it as the server's user (pgserver runs PostgreSQL as 'pgserver'
    # when we are root); it is made at import time, hence the ignore.
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

    folder = reachable_tmpdir("maintainx-pg-restart-")
    url = embedded_postgres(folder, "restart")
    upgrade_database(url)
    server = pgserver.get_server(folder)
    db = sa.create_engine(url, pool_pre_ping=True)
    try:
        workers.append(Worker(broker, url, "restart-0", tmp_path / "w.log"))
        _wait_connected(db, 1)
        done = threading.Event()
        threading.Thread(target=_publish_stream, args=(broker, new_id(), done), daemon=True).start()
        wait_until(lambda: scalar(db, "SELECT count(*) > 0 FROM sensor_data"), what="first readings stored")
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user, timeout=30)
        time.sleep(3.0)  # publishing goes on; the worker retries and acknowledges nothing
        assert workers[0].proc.poll() is None, "the worker gave up while the database was down"
        server.ensure_postgres_running()
        done.wait(60)
        _assert_stored_once(db)
        assert workers[0].proc.poll() is None
    finally:
        db.dispose()
