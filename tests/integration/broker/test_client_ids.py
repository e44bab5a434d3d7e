"""Client ids are bound to logins: no client can connect under a gateway's or an ingestion worker's id.

Mosquitto runs as provisioned (``use_username_as_clientid``): whatever client id a client sends, the broker
uses its login. Without that, a gateway sending another client's id takes over that client's session: the
real client is disconnected and, for a worker with a persistent session, its messages go to the intruder.
"""

from __future__ import annotations

import queue

import pytest

from cloud.broker import Role, service_username
from cloud.ingestion.consumer import MqttConsumer
from cloud.ingestion.routing import Accepted, Routed
from contract.topics import Kind, gateway_commands_filter, gateway_topic
from tests.integration.broker.clients import SUBACK_FAILURE, TestClient
from tests.integration.broker.conftest import SecuredBroker
from tests.integration.broker.test_cloud_clients import settings_for

pytestmark = pytest.mark.integration

WAIT_S = 10.0
MESSAGES = 40
# The client ids the real clients send: the agent's and an ingestion worker's (cloud/ingestion/worker.py).
AGENT_CLIENT_ID = "maintainx-agent-gw-01"
WORKER_CLIENT_ID = "maintainx-ingest-w1"


def test_a_gateway_using_another_gateways_client_id_does_not_disconnect_it(secured: SecuredBroker) -> None:
    victim = TestClient(secured.broker.port, "gw-01", secured.password("gw-01"), client_id=AGENT_CLIENT_ID)
    victim.connect()
    intruders = []
    try:
        for client_id in (AGENT_CLIENT_ID, "gw-01"):
            intruder = TestClient(
                secured.broker.port, "gw-02", secured.password("gw-02"), client_id=client_id
            )
            intruders.append(intruder.connect())
        # The victim still publishes on its first connection, and was never dropped.
        assert victim.subscribe(gateway_commands_filter("gw-01")) != SUBACK_FAILURE
        victim.publish(gateway_topic("gw-01", Kind.STATUS), b"still here")
        assert victim.disconnects == 0, "the broker handed gw-01's client id to gw-02"
    finally:
        for client in (victim, *intruders):
            client.close()


def test_a_gateway_using_a_workers_client_id_loses_none_of_the_workers_messages(
    secured: SecuredBroker,
) -> None:
    inbox: queue.Queue[Routed] = queue.Queue()
    worker = MqttConsumer(
        settings_for(secured, Role.INGEST).mqtt_endpoint(),
        client_id=WORKER_CLIENT_ID,
        share_group="ingest",
        inbox=inbox,
    )
    worker.start()
    publisher = TestClient(secured.broker.port, "gw-01", secured.password("gw-01")).connect()
    intruders: list[TestClient] = []
    try:
        assert worker.subscribed.wait(WAIT_S), "the worker never subscribed"
        topic = gateway_topic("gw-01", Kind.TELEMETRY)
        for n in range(MESSAGES):
            if n % 10 == 0:
                # Pose as the worker, under the id it sends and under its login, while data flows.
                for client_id in (WORKER_CLIENT_ID, service_username(Role.INGEST)):
                    intruder = TestClient(
                        secured.broker.port, "gw-02", secured.password("gw-02"), client_id=client_id
                    )
                    intruders.append(intruder.connect())
            publisher.publish(topic, f"reading {n}".encode())
        got = []
        while len(got) < MESSAGES:
            try:
                routed = inbox.get(timeout=WAIT_S)
            except queue.Empty:
                break
            got.append(routed.message.payload)
            worker.ack(routed.message)
            assert not isinstance(routed, Accepted)  # these payloads are no contract messages, only bytes
        assert sorted(got) == sorted(f"reading {n}".encode() for n in range(MESSAGES)), (
            f"the worker received {len(got)} of {MESSAGES} messages"
        )
    finally:
        for client in (publisher, *intruders):
            client.close()
        worker.stop()
