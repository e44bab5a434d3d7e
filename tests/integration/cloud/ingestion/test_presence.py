"""Presence that is true: a gateway that vanishes shows offline, judged by its connection, not its clock.

A real agent process, a real Mosquitto and a real ingestion worker: killed with SIGKILL, or frozen (a hung
gateway or a cut link that only the keepalive notices), the agent's last will reaches ingestion and the
gateway shows offline within 1.5 x its keepalive. A will of an earlier connection never marks the current
one offline.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from cloud.ingestion.worker import IngestWorker
from contract import encode
from contract.payloads import GatewayStatus
from contract.topics import Kind, gateway_topic
from maintainx.services import Broker
from tests.integration.cloud.ingestion.kit import Publisher, make_settings, scalar, wait_until
from tests.integration.edge_agent.conftest import GATEWAY, AgentProcess

pytestmark = pytest.mark.integration

KEEPALIVE_S = 4
# A killed process's socket closes at once, so the broker sends its will at once (0.1 s measured). A frozen
# one is noticed only by the keepalive: Mosquitto 2.0 drops a client silent for more than 1.5 x keepalive,
# but sweeps its clients for that only every 5 s; then ingestion commits the will (0.2 s flush plus this
# test's polling). Measured 6.8, 8.4 and 11.4 s for a 4 s keepalive on a loaded 2-core machine.
BROKER_SWEEP_S = 5.0
INGEST_SLACK_S = 2.0


@pytest.fixture
def worker(broker: Broker, database_url: str) -> Iterator[IngestWorker]:
    """A running ingestion worker on the test broker."""
    w = IngestWorker(make_settings(broker), database_url=database_url).start()
    wait_until(w.consumer.subscribed.is_set, what="worker subscribed")
    yield w
    w.stop(timeout=10)
    assert w.error is None


@pytest.fixture
def db(database_url: str) -> Iterator[sa.Engine]:
    """An engine on the test database."""
    engine = sa.create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def agent(tmp_path: Path, broker: Broker) -> Iterator[AgentProcess]:
    """``python -m edge_agent`` with a short keepalive; killed at the end if still running."""
    proc = AgentProcess(tmp_path, broker.url, 1, keepalive_s=KEEPALIVE_S)
    yield proc
    if proc.proc.poll() is None:
        os.kill(proc.proc.pid, signal.SIGCONT)
        proc.proc.kill()
        proc.proc.wait()


def online(db: sa.Engine) -> object:
    """The gateway's online flag (None before its first status)."""
    return scalar(db, "SELECT online FROM gateways WHERE id = :g", g=GATEWAY)


def seconds_until_offline(db: sa.Engine, timeout: float) -> float:
    """Seconds from now until the gateway shows offline; fails after ``timeout``."""
    start = time.monotonic()
    wait_until(lambda: online(db) is False, timeout=timeout, what="the gateway to show offline")
    return time.monotonic() - start


@pytest.mark.parametrize("how", ["SIGKILL", "SIGSTOP"])
def test_a_vanished_agent_shows_offline_within_one_and_a_half_keepalives(
    worker: IngestWorker, agent: AgentProcess, db: sa.Engine, how: str
) -> None:
    wait_until(lambda: online(db) is True, timeout=30, what="the agent online")
    # Let heartbeats move last_seen past the will's ts (made at connect time): what main got wrong.
    time.sleep(2.0)
    os.kill(agent.proc.pid, getattr(signal, how))
    bound = 1.5 * KEEPALIVE_S + (BROKER_SWEEP_S + INGEST_SLACK_S if how == "SIGSTOP" else 0.0)
    elapsed = seconds_until_offline(db, timeout=bound + 10)
    assert elapsed <= bound, f"offline only after {elapsed:.1f} s (bound {bound:.1f} s)"


def test_the_will_of_an_earlier_connection_does_not_mark_the_current_one_offline(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    topic = gateway_topic("gw-w", Kind.STATUS)
    now = datetime.now(UTC)

    def status(session: str, *, will: bool, ts: datetime) -> bytes:
        return encode(GatewayStatus(gateway_id="gw-w", online=not will, ts=ts, session=session, will=will))

    publisher.publish(topic, status("first", will=False, ts=now - timedelta(minutes=5)))
    publisher.publish(topic, status("second", will=False, ts=now))
    publisher.publish(topic, status("first", will=True, ts=now - timedelta(minutes=6)))
    publisher.publish(topic, status("marker", will=False, ts=now + timedelta(seconds=1)))

    def state() -> tuple[object, ...]:
        with db.connect() as conn:
            row = conn.execute(sa.text("SELECT online, session FROM gateways WHERE id = 'gw-w'")).first()
        return tuple(row) if row else ()

    wait_until(lambda: state() == (True, "marker"), what="the newest status")
    publisher.publish(topic, status("marker", will=True, ts=now - timedelta(minutes=1)))
    wait_until(lambda: state() == (False, "marker"), what="the current connection's will")
