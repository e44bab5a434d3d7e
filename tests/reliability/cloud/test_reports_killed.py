"""Deployment reports survive a worker killed with SIGKILL mid-stream: ``python -m cloud ingest`` is killed
and restarted under the same id while reports arrive at QoS 1; every report is stored once, against its
gateway, and a poison report among them becomes a dead letter with a reason while the next ones are stored.

The consumer this replaced acknowledged a report on receipt and committed it afterwards, so a kill between the
two lost it; ingestion acknowledges only after its commit.
"""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from contract.codec import encode
from contract.topics import Kind, gateway_topic
from maintainx.services import Broker
from tests.integration.cloud.ingestion.kit import Publisher, deployment, make_rollout, scalar, wait_until
from tests.reliability.cloud.kit import Worker

pytestmark = pytest.mark.reliability

GATEWAYS = 300
# Spread publishing over several seconds so the kills land in the middle of the stream.
PUBLISH_INTERVAL_S = 0.02
POISON_AT = GATEWAYS // 2


def _gateway(i: int) -> str:
    return f"gw-rep-{i:03d}"


def _publish(broker: Broker, rollout_id: uuid.UUID, done: threading.Event) -> None:
    publisher = Publisher(broker)
    try:
        for i in range(GATEWAYS):
            topic = gateway_topic(_gateway(i), Kind.DEPLOYMENT)
            if i == POISON_AT:
                publisher.publish(topic, b'{"type": "deployment", "gateway_id": "')  # cut short
            publisher.publish(topic, encode(deployment(_gateway(i), rollout_id, detail=f"report {i}")))
            time.sleep(PUBLISH_INTERVAL_S)
    finally:
        publisher.close()
        done.set()


def test_reports_published_while_the_worker_is_killed_are_all_stored_once(
    broker: Broker, database_url: str, tmp_path: Path
) -> None:
    db = sa.create_engine(database_url)
    worker = Worker(broker, database_url, "reports-kill", tmp_path / "worker.log")
    try:
        rollout_id = make_rollout(db)
        wait_until(
            lambda: scalar(db, "SELECT count(*) FROM ingestion_workers WHERE broker_connected") == 1,
            timeout=30,
            what="the worker connected",
        )
        time.sleep(1.0)  # the heartbeat may come just before the SUBACK
        done = threading.Event()
        threading.Thread(target=_publish, args=(broker, rollout_id, done), daemon=True).start()
        kills = 0
        while not done.wait(1.0):
            worker.restart()
            kills += 1
        assert kills >= 3, "the stream ended before the worker was killed enough times"
        wait_until(
            lambda: scalar(db, "SELECT count(*) FROM rollout_targets") == GATEWAYS,
            timeout=60,
            what=f"{GATEWAYS} reports stored",
        )
        time.sleep(1.0)  # a redelivery still in flight would show now
        with db.connect() as conn:
            rows = conn.execute(sa.text("SELECT gateway_id, state, detail FROM rollout_targets")).all()
            letters = conn.execute(sa.text("SELECT topic, reason FROM dead_letters")).all()
        assert sorted((r.gateway_id, r.state, r.detail) for r in rows) == [
            (_gateway(i), "active", f"report {i}") for i in range(GATEWAYS)
        ]
        # The poison report is a dead letter with its reason (twice if a kill fell between the commit and
        # the PUBACK: the broker redelivers it, as it would any message).
        assert {(t, r) for t, r in letters} == {
            (gateway_topic(_gateway(POISON_AT), Kind.DEPLOYMENT), "malformed")
        }
        assert worker.running()
    finally:
        worker.kill()
        db.dispose()
