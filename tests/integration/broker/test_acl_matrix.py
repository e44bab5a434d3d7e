"""Every client, topic and direction against a real Mosquitto holds to the provisioned ACL.

Publish: each client publishes once on every topic; an observer allowed to read everything must receive
exactly the allowed (client, topic) pairs. A sentinel published last proves the observer saw everything
the broker let through before it (one broker, one ordered connection to the observer).
Subscribe: each client subscribes to every filter; allowed filters get a granted SUBACK, and what the
client then receives is exactly what its allowed filters match. Mosquitto 2.0's acl_file answers every
SUBSCRIBE with "granted" and enforces read access on each delivery, so for a refused filter the proof is
that nothing it alone matches ever arrives (the dynamic-security plugin would answer 0x80 instead).
"""

from __future__ import annotations

import pytest
from paho.mqtt.client import topic_matches_sub

from cloud.broker import SERVICES, Role, service_username
from contract.topics import (
    Command,
    Kind,
    command_topic,
    fleet_filter,
    gateway_commands_filter,
    gateway_namespace,
    gateway_topic,
)
from tests.integration.broker.clients import SUBACK_FAILURE, TestClient
from tests.integration.broker.conftest import GATEWAYS, OBSERVER, SecuredBroker

pytestmark = pytest.mark.integration

INGEST, API, ENGINE = service_username(Role.INGEST), SERVICES[Role.API], SERVICES[Role.ENGINE]
CLIENTS = (*GATEWAYS, INGEST, API, ENGINE)
DATA_KINDS = (Kind.TELEMETRY, Kind.PREDICTIONS, Kind.STATUS)
# A well-formed gateway that was never provisioned, and a topic outside the contract altogether.
STRANGER = "gw-99"
OUTSIDE = "elsewhere/anything"


def publish_topics() -> list[str]:
    """Every concrete topic a client might try to publish on."""
    topics = [gateway_topic(gw, kind) for gw in (*GATEWAYS, STRANGER) for kind in DATA_KINDS]
    topics += [command_topic(gw, command) for gw in (*GATEWAYS, STRANGER) for command in Command]
    return [*topics, OUTSIDE]


def may_publish(client: str, topic: str) -> bool:
    """The policy, stated independently of the ACL generator."""
    if client in GATEWAYS:
        return topic in {gateway_topic(client, kind) for kind in DATA_KINDS}
    if client == API:
        return topic in {
            command_topic(gw, c) for gw in GATEWAYS for c in Command if c is not Command.COMMITTED
        }
    if client == INGEST:
        # Commit acknowledgements, to provisioned gateways only.
        return topic in {command_topic(gw, Command.COMMITTED) for gw in GATEWAYS}
    return False


def subscribe_filters() -> list[str]:
    """Every filter a client might try to subscribe to."""
    filters = []
    for gw in GATEWAYS:
        filters += [gateway_commands_filter(gw), gateway_namespace(gw), gateway_topic(gw, Kind.TELEMETRY)]
    filters += [fleet_filter(kind) for kind in DATA_KINDS]
    filters += [fleet_filter(Kind.TELEMETRY, "ingest"), fleet_filter(Kind.PREDICTIONS, "ingest")]
    return [*filters, "#", "maintainx/#"]


def may_subscribe(client: str, topic_filter: str) -> bool:
    """The policy, stated independently of the ACL generator."""
    if client in GATEWAYS:
        return topic_filter == gateway_commands_filter(client)
    inner = _unshared(topic_filter)
    if client == INGEST:
        return any(inner == fleet_filter(kind) for kind in DATA_KINDS) or any(
            inner == gateway_topic(gw, kind) for gw in GATEWAYS for kind in DATA_KINDS
        )
    if client == ENGINE:
        return inner in {fleet_filter(Kind.PREDICTIONS), fleet_filter(Kind.STATUS)}
    return False


def _unshared(topic_filter: str) -> str:
    """The topic filter inside a ``$share/<group>/`` subscription."""
    if topic_filter.startswith("$share/"):
        return topic_filter.split("/", 2)[2]
    return topic_filter


def connect(secured: SecuredBroker, username: str) -> TestClient:
    return TestClient(secured.broker.port, username, secured.password(username)).connect()


def test_each_client_publishes_exactly_where_the_acl_allows(secured: SecuredBroker) -> None:
    observer = connect(secured, OBSERVER)
    assert observer.subscribe("#") != SUBACK_FAILURE
    clients = {name: connect(secured, name) for name in CLIENTS}
    try:
        expected = set()
        for name, client in clients.items():
            for topic in publish_topics():
                payload = f"{name} -> {topic}".encode()
                client.publish(topic, payload)
                if may_publish(name, topic):
                    expected.add((topic, payload))
        sentinel = b"sentinel"
        clients["gw-01"].publish(gateway_topic("gw-01", Kind.STATUS), sentinel)
        assert observer.wait_for(sentinel), "the observer never saw the sentinel"
        got = observer.received() - {(gateway_topic("gw-01", Kind.STATUS), sentinel)}
        assert got - expected == set(), "the broker let through publishes the ACL forbids"
        assert expected - got == set(), "the broker dropped publishes the ACL allows"
        # Sanity: the matrix really exercised both outcomes.
        assert len(expected) == len(GATEWAYS) * len(DATA_KINDS) + len(GATEWAYS) * len(Command)
    finally:
        for client in (*clients.values(), observer):
            client.close()


@pytest.mark.parametrize("name", CLIENTS)
def test_each_client_subscribes_and_receives_exactly_what_the_acl_allows(
    secured: SecuredBroker, name: str
) -> None:
    subscriber = connect(secured, name)
    observer = connect(secured, OBSERVER)
    # One connection per login: the broker makes the login the client id, so a second would replace the first.
    publishers = {who: subscriber if who == name else connect(secured, who) for who in (*GATEWAYS, API)}
    try:
        granted = []
        for topic_filter in subscribe_filters():
            code = subscriber.subscribe(topic_filter)
            if may_subscribe(name, topic_filter):
                assert code != SUBACK_FAILURE, f"{name} was refused {topic_filter}"
                granted.append(_unshared(topic_filter))
        assert observer.subscribe("#") != SUBACK_FAILURE

        sent = []
        for gw in GATEWAYS:
            for kind in DATA_KINDS:
                sent.append((gateway_topic(gw, kind), f"from {gw}".encode()))
                publishers[gw].publish(*sent[-1])
            sent.append((command_topic(gw, Command.MAINTENANCE), f"to {gw}".encode()))
            publishers[API].publish(*sent[-1])
        # Everything has passed the broker once the observer has it; the subscriber's copies were queued
        # first (or never), so a last message to the subscriber, if it can get any, orders the check.
        assert all(observer.wait_for(payload) for _, payload in sent)
        expected = {(t, p) for t, p in sent if any(topic_matches_sub(f, t) for f in granted)}
        if expected:
            last_topic, last_payload = sorted(expected)[-1]
            marker = b"marker " + last_payload
            sender = API if "/commands/" in last_topic else last_topic.split("/")[3]
            publishers[sender].publish(last_topic, marker)
            assert subscriber.wait_for(marker)
            expected.add((last_topic, marker))
        else:
            # Nothing may arrive at all: a final command to gw-01 reaches the observer after the rest.
            publishers[API].publish(command_topic("gw-01", Command.MAINTENANCE), b"fence")
            assert observer.wait_for(b"fence")
        assert subscriber.received() == expected
    finally:
        for client in {subscriber, observer, *publishers.values()}:
            client.close()
