"""Commit acks go to the gateway only after the transaction commits: never while the database is down."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator

import paho.mqtt.client as mqtt
import pytest
import sqlalchemy as sa
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy.engine import make_url

from cloud.ingestion.worker import IngestWorker
from contract.codec import decode, encode
from contract.payloads import CommitAck, new_id
from contract.topics import Command, Kind, command_topic, gateway_topic
from maintainx.services import Broker
from tests.integration.cloud.ingestion.kit import Publisher, readings, scalar, telemetry, wait_until

pytestmark = pytest.mark.integration

GW = "gw-acked"


@pytest.fixture
def acks(broker: Broker, db: sa.Engine) -> Iterator[queue.Queue[tuple[CommitAck, int]]]:
    """Commit acks to GW as the gateway receives them, each with the readings stored when it arrived."""
    got: queue.Queue[tuple[CommitAck, int]] = queue.Queue()
    subscribed = queue.Queue[bool]()
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="acks-gateway")
    client.on_subscribe = lambda *_: subscribed.put(True)
    client.on_message = lambda _c, _u, m: got.put(
        (decode(bytes(m.payload), CommitAck), int(scalar(db, "SELECT count(*) FROM sensor_data")))  # type: ignore[arg-type]
    )
    client.connect("127.0.0.1", broker.port)
    client.subscribe(command_topic(GW, Command.COMMITTED), qos=1)
    client.loop_start()
    subscribed.get(timeout=10)
    yield got
    client.disconnect()
    client.loop_stop()


def test_no_ack_while_the_database_is_down_then_one_naming_every_record_after_the_commit(
    worker: IngestWorker,
    database_url: str,
    pg_admin_url: str,
    publisher: Publisher,
    acks: queue.Queue[tuple[CommitAck, int]],
) -> None:
    name = make_url(database_url).database
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
        machine = new_id()
        publisher.publish(gateway_topic(GW, Kind.TELEMETRY), encode(telemetry(GW, readings(machine, 20))))
        more = readings(machine, 5, start_seq=30)
        publisher.publish(gateway_topic(GW, Kind.TELEMETRY), encode(telemetry(GW, more)))
        wait_until(worker.inbox.empty, what="the worker took both messages")
        time.sleep(1.5)  # several failed commits
        assert acks.empty(), "a commit ack went out while nothing was committed"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
    ack, stored_when_acked = acks.get(timeout=30)
    assert ack.readings == [(0, 19), (30, 34)] and ack.predictions == []
    assert stored_when_acked == 25  # the ack followed the commit


def test_dead_lettered_records_and_duplicates_are_acknowledged_as_held(
    worker: IngestWorker, publisher: Publisher, acks: queue.Queue[tuple[CommitAck, int]]
) -> None:
    machine = new_id()
    batch = encode(telemetry(GW, readings(machine, 3, start_seq=7)))
    publisher.publish(gateway_topic(GW, Kind.TELEMETRY), batch)
    assert acks.get(timeout=30)[0].readings == [(7, 9)]
    publisher.publish(gateway_topic(GW, Kind.TELEMETRY), batch)  # a resend: stored already
    assert acks.get(timeout=30)[0].readings == [(7, 9)]
    bad = encode(telemetry(GW, readings(machine, 2, start_seq=50))).replace(b'"rpm":1480.0', b'"rpm":-1.0')
    publisher.publish(gateway_topic(GW, Kind.TELEMETRY), bad)
    assert acks.get(timeout=30)[0].readings == [(50, 51)]
