"""The cloud's own MQTT clients work through the ACL with their own logins, and only as far as it allows.

Uses the real ingestion consumer (shared subscriptions) and the API's command publisher, configured the
way the services are: MQTT_URL plus MAINTAINX_MQTT_USERNAME / MAINTAINX_MQTT_PASSWORD.
"""

from __future__ import annotations

import queue
import uuid
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr

from cloud.broker import SERVICES, Role
from cloud.config import Settings
from cloud.ingestion.consumer import MqttConsumer
from cloud.ingestion.routing import Routed
from cloud.notify import MqttCommandPublisher
from contract import MaintenanceCommand, decode
from contract.topics import Kind, gateway_commands_filter, gateway_topic
from tests.integration.broker.clients import SUBACK_FAILURE, TestClient
from tests.integration.broker.conftest import SecuredBroker

pytestmark = pytest.mark.integration

WAIT_S = 10.0


def settings_for(secured: SecuredBroker, role: Role) -> Settings:
    """The settings a cloud service gets from its services/<role>.env file."""
    env = secured.provisioned.service_env(role)
    return Settings(
        mqtt_url=secured.broker.url,
        mqtt_username=env["MAINTAINX_MQTT_USERNAME"],
        mqtt_password=SecretStr(env["MAINTAINX_MQTT_PASSWORD"]),
    )


def test_ingestion_receives_each_gateways_own_data_but_not_forgeries(secured: SecuredBroker) -> None:
    inbox: queue.Queue[Routed] = queue.Queue()
    consumer = MqttConsumer(
        settings_for(secured, Role.INGEST).mqtt_endpoint(),
        client_id="ingest-test",
        share_group="ingest",
        inbox=inbox,
    )
    consumer.start()
    gw1 = TestClient(secured.broker.port, "gw-01", secured.password("gw-01")).connect()
    gw2 = TestClient(secured.broker.port, "gw-02", secured.password("gw-02")).connect()
    try:
        assert consumer.subscribed.wait(WAIT_S), "the broker did not confirm ingestion's subscriptions"
        gw2.publish(gateway_topic("gw-01", Kind.TELEMETRY), b"forged by gw-02")
        gw1.publish(gateway_topic("gw-01", Kind.TELEMETRY), b"from gw-01")
        gw2.publish(gateway_topic("gw-02", Kind.PREDICTIONS), b"from gw-02")
        got = [inbox.get(timeout=WAIT_S).message for _ in range(2)]
        assert {(m.topic, m.payload) for m in got} == {
            (gateway_topic("gw-01", Kind.TELEMETRY), b"from gw-01"),
            (gateway_topic("gw-02", Kind.PREDICTIONS), b"from gw-02"),
        }
        assert inbox.empty()
    finally:
        consumer.stop()
        gw1.close()
        gw2.close()


def test_the_api_commands_one_gateway_and_only_that_gateway_hears_it(secured: SecuredBroker) -> None:
    gw1 = TestClient(secured.broker.port, "gw-01", secured.password("gw-01")).connect()
    gw2 = TestClient(secured.broker.port, "gw-02", secured.password("gw-02")).connect()
    assert gw1.subscribe(gateway_commands_filter("gw-01")) != SUBACK_FAILURE
    assert gw2.subscribe(gateway_commands_filter("gw-02")) != SUBACK_FAILURE
    # gw-02 also tries to listen in on gw-01's commands: the broker never delivers them.
    gw2.subscribe(gateway_commands_filter("gw-01"))
    publisher = MqttCommandPublisher(settings_for(secured, Role.API), client_id="api-test").start()
    try:
        assert publisher.wait_connected(WAIT_S), f"{SERVICES[Role.API]} could not log in"
        command = MaintenanceCommand(machine_id=uuid.uuid4(), ticket_id=uuid.uuid4(), ts=datetime.now(UTC))
        publisher.send_maintenance("gw-01", command)
        assert gw1.wait_for_any(WAIT_S)
        assert decode(bytes(gw1.messages[0].payload), MaintenanceCommand) == command
        # A last command to gw-02 arrives after anything the broker would have leaked to it.
        fence = MaintenanceCommand(machine_id=uuid.uuid4(), ticket_id=uuid.uuid4(), ts=datetime.now(UTC))
        publisher.send_maintenance("gw-02", fence)
        assert gw2.wait_for_any(WAIT_S)
        assert [decode(bytes(m.payload), MaintenanceCommand) for m in gw2.messages] == [fence]
    finally:
        publisher.stop()
        gw1.close()
        gw2.close()
