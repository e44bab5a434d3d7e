"""The case reproduced in issue 13: every ingestion worker down, the broker killed (-9) and restarted, then
1,000 readings published and PUBACKed. Mosquitto delivers none of them when the workers come back; the agent
must keep them until the cloud confirms its commit, resend them, and every one is stored once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from contract.codec import encode
from contract.payloads import GatewayStatus, Reading, new_id
from edge_agent.config import AgentConfig, MachineConfig
from edge_agent.mqtt import MqttLink
from edge_agent.outbox import Outbox, Stream
from maintainx.services import Broker
from tests.integration.cloud.ingestion.kit import scalar, wait_until
from tests.reliability.cloud.kit import Worker

pytestmark = pytest.mark.reliability

GW = "gw-forgotten"
READINGS = 1_000
T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def workers(broker: Broker, database_url: str, tmp_path: Path) -> Iterator[list[Worker]]:
    """Two workers on the shared subscription, not started; killed at the end whatever happened."""
    started = [
        Worker(broker, database_url, f"forget-{i}", tmp_path / f"w{i}.log", start=False) for i in range(2)
    ]
    yield started
    for w in started:
        w.kill()


def _readings(machine: object) -> list[bytes]:
    return [
        encode(
            Reading(
                id=new_id(),
                seq=i,
                machine_id=machine,  # type: ignore[arg-type]
                ts=T0 + timedelta(seconds=i),
                temperature=60.0,
                vibration=2.5,
                rpm=1480.0,
            )
        )
        for i in range(READINGS)
    ]


def test_readings_pubacked_by_a_restarted_broker_while_every_worker_was_down_are_all_stored_once(
    broker: Broker, database_url: str, tmp_path: Path, workers: list[Worker]
) -> None:
    db = sa.create_engine(database_url)
    machine = new_id()
    config = AgentConfig(
        gateway_id=GW,
        data_dir=str(tmp_path / "agent"),
        model_dir=str(tmp_path / "model"),
        machines=[MachineConfig(id=machine, name="pump 1", type="pump")],
        mqtt_url=broker.url,
        publish_interval_s=0.1,
        ack_timeout_s=2.0,
    )
    outbox = Outbox(config.data_dir, max_records=100_000)

    def status(online: bool) -> GatewayStatus:
        return GatewayStatus(gateway_id=GW, online=online, ts=datetime.now(UTC))

    link = MqttLink(config, outbox, status, lambda command: None)
    try:
        # The workers' shared-subscription sessions exist in the broker, then every worker dies.
        for w in workers:
            w.start()
        wait_until(
            lambda: scalar(db, "SELECT count(*) FROM ingestion_workers WHERE broker_connected") == 2,
            timeout=60,
            what="both workers connected",
        )
        for w in workers:
            w.kill()
        broker.kill()
        broker.start()
        outbox.add(Stream.READINGS, _readings(machine))
        link.start()
        wait_until(
            lambda: link.records_acked >= READINGS, timeout=60, what="the broker to PUBACK every reading"
        )
        for w in workers:
            w.start()
        wait_until(
            lambda: scalar(db, "SELECT count(*) FROM sensor_data") == READINGS,
            timeout=90,
            what=f"{READINGS} readings stored",
        )
        # The cloud's confirmation releases the edge's copy, and only then.
        wait_until(lambda: outbox.depth() == 0, timeout=30, what="the outbox to empty on the cloud's ack")
        assert (
            scalar(db, "SELECT count(DISTINCT seq) FROM sensor_data WHERE gateway_id = :g", g=GW) == READINGS
        )
        assert scalar(db, "SELECT min(seq) FROM sensor_data") == 0
        assert scalar(db, "SELECT max(seq) FROM sensor_data") == READINGS - 1
        assert all(w.running() for w in workers)
    finally:
        link.stop(1.0)
        outbox.close()
        db.dispose()
