"""Topics are built and parsed by one module; bad topics say what is wrong."""

import pytest

from contract import topics
from contract.topics import Command, Kind, TopicError

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("kind", [Kind.TELEMETRY, Kind.PREDICTIONS, Kind.STATUS])
def test_gateway_topic_round_trips_through_parse(kind: Kind) -> None:
    parsed = topics.parse(topics.gateway_topic("gw-01", kind))
    assert parsed == topics.Topic("gw-01", kind)


def test_command_topic_round_trips_and_matches_the_gateway_command_filter() -> None:
    topic = topics.command_topic("gw-01", Command.MAINTENANCE)
    assert topics.parse(topic) == topics.Topic("gw-01", Kind.COMMANDS, Command.MAINTENANCE)
    assert topics.gateway_commands_filter("gw-01") == topic.rsplit("/", 1)[0] + "/+"


def test_fleet_filter_builds_a_shared_subscription_when_a_group_is_given() -> None:
    assert topics.fleet_filter(Kind.TELEMETRY) == "maintainx/v1/gateways/+/telemetry"
    assert topics.fleet_filter(Kind.TELEMETRY, "ingest") == "$share/ingest/maintainx/v1/gateways/+/telemetry"


@pytest.mark.parametrize(
    ("topic", "message"),
    [
        ("other/v1/gateways/gw/telemetry", "outside"),
        ("maintainx/v1/gateways/gw-01", "no message kind"),
        ("maintainx/v1/gateways/gw-01/firmware", "unknown kind 'firmware'"),
        ("maintainx/v1/gateways/GW!/telemetry", "gateway id 'GW!'"),
        ("maintainx/v1/gateways/gw-01/telemetry/extra", "extra levels"),
        ("maintainx/v1/gateways/gw-01/commands/reboot", "unknown command 'reboot'"),
    ],
)
def test_parse_rejects_foreign_topics_with_the_reason(topic: str, message: str) -> None:
    with pytest.raises(TopicError, match=message):
        topics.parse(topic)


@pytest.mark.parametrize("gateway_id", ["", "-gw", "Gw", "gw/1", "gw+", "#", "a" * 64])
def test_gateway_ids_that_would_break_topics_or_acls_are_refused(gateway_id: str) -> None:
    with pytest.raises(TopicError):
        topics.gateway_topic(gateway_id, Kind.STATUS)
