"""Killing ingestion before it commits loses nothing: the broker redelivers what was never acked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from contract.codec import encode
from contract.payloads import new_id
from contract.topics import Kind, gateway_topic
from maintainx.services import Broker
from tests.integration.cloud.ingestion.kit import Publisher, readings, scalar, telemetry, wait_until

pytestmark = pytest.mark.reliability

GW = "gw-01"
WORKER_ID = "kill-test"


class IngestProcess:
    """``python -m cloud.ingestion`` as a child process with its own log file."""

    def __init__(self, broker: Broker, database_url: str, log: Path) -> None:
        env = dict(
            os.environ,
            DATABASE_URL=database_url,
            MQTT_URL=broker.url,
            MAINTAINX_INGEST_WORKER_ID=WORKER_ID,
        )
        self.log = log.open("ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "cloud.ingestion"], env=env, stderr=self.log)

    def kill(self) -> None:
        """SIGKILL: no flush, no commit, no ack, no DISCONNECT."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.log.close()

    def terminate(self) -> int:
        """SIGTERM and wait for the graceful exit."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(30)
        self.log.close()
        return code


@pytest.fixture
def processes(broker: Broker, database_url: str, tmp_path: Path) -> Iterator[list[IngestProcess]]:
    """Started ingestion processes, all killed at the end whatever happened."""
    started: list[IngestProcess] = []
    yield started
    for p in started:
        p.kill()


def _start(
    broker: Broker, database_url: str, tmp_path: Path, processes: list[IngestProcess]
) -> IngestProcess:
    p = IngestProcess(broker, database_url, tmp_path / "ingest.log")
    processes.append(p)
    return p


def test_messages_taken_but_not_committed_when_the_worker_dies_are_redelivered_and_stored_once(
    broker: Broker, database_url: str, tmp_path: Path, processes: list[IngestProcess]
) -> None:
    engine = sa.create_engine(database_url)
    publisher = Publisher(broker)
    topic = gateway_topic(GW, Kind.TELEMETRY)
    machine_id = new_id()
    try:
        first = _start(broker, database_url, tmp_path, processes)
        # A probe that lands proves the worker is subscribed; sent until it does (the same reading each time).
        probe = encode(telemetry(GW, readings(machine_id, 1, start_seq=0)))

        def probe_landed() -> bool:
            publisher.publish(topic, probe)
            return scalar(engine, "SELECT count(*) FROM sensor_data") == 1

        wait_until(probe_landed, what="probe stored")

        # Hold the table so the worker takes the messages but cannot commit them.
        blocker = engine.connect()
        blocker.execute(sa.text("LOCK TABLE sensor_data IN ACCESS EXCLUSIVE MODE"))
        batches = [telemetry(GW, readings(machine_id, 50, start_seq=1 + 50 * i)) for i in range(20)]
        for batch in batches[:10]:
            publisher.publish(topic, encode(batch))
        wait_until(
            lambda: scalar(
                engine,
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = :db",
                db=engine.url.database,
            ),
            what="worker blocked inside its transaction",
        )
        first.kill()
        blocker.rollback()
        blocker.close()
        assert scalar(engine, "SELECT count(*) FROM sensor_data") == 1

        # Published while no worker runs: the persistent session keeps them too.
        for batch in batches[10:]:
            publisher.publish(topic, encode(batch))
        second = _start(broker, database_url, tmp_path, processes)
        wait_until(
            lambda: scalar(engine, "SELECT count(*) FROM sensor_data") == 1001,
            timeout=30,
            what="all 1001 readings after restart",
        )
        assert scalar(engine, "SELECT count(DISTINCT id) FROM sensor_data") == 1001
        assert scalar(engine, "SELECT count(*) FROM dead_letters") == 0
        assert second.terminate() == 0
        assert scalar(engine, "SELECT broker_connected FROM ingestion_workers") is False
        assert scalar(engine, "SELECT count(*) FROM sensor_data") == 1001
    finally:
        publisher.close()
        engine.dispose()
