"""One MQTT URL parser: schemes and default ports, one credential rule, a clear error for anything else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract.mqtt_url import SCHEMES, MqttEndpoint, MqttUrlError, parse_mqtt_url

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mqtt://broker", MqttEndpoint("broker", 1883, False)),
        ("tcp://broker:1884/", MqttEndpoint("broker", 1884, False)),
        ("mqtts://Broker.Example.com", MqttEndpoint("broker.example.com", 8883, True)),
        ("ssl://10.0.0.5:9883", MqttEndpoint("10.0.0.5", 9883, True)),
        ("MQTT://[::1]:1883", MqttEndpoint("::1", 1883, False)),
        ("mqtt://u:p%40ss@broker:1884", MqttEndpoint("broker", 1884, False, "u", "p@ss")),
    ],
)
def test_a_url_gives_host_port_tls_and_credentials(url: str, expected: MqttEndpoint) -> None:
    assert parse_mqtt_url(url) == expected


def test_explicit_credentials_win_over_the_urls_field_by_field() -> None:
    url = "mqtts://site:shared@broker"
    assert parse_mqtt_url(url, username="gw-01", password="own") == MqttEndpoint(
        "broker", 8883, True, "gw-01", "own"
    )
    assert parse_mqtt_url(url, password="own") == MqttEndpoint("broker", 8883, True, "site", "own")
    assert parse_mqtt_url(url, username="", password=None) == MqttEndpoint(
        "broker", 8883, True, "site", "shared"
    )
    assert parse_mqtt_url("mqtt://broker", username="gw-01", password="own").username == "gw-01"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://u:secret@broker:1883", "scheme 'http' is not one of mqtt, mqtts, ssl, tcp"),
        ("broker:1883", "scheme 'broker' is not one of"),
        ("mqtt://broker:notaport", "the port is not a number 1-65535"),
        ("mqtt://broker:70000", "the port is not a number 1-65535"),
        ("mqtt://broker:0", "the port is not a number 1-65535"),
        ("mqtt://:1883", "the URL names no host"),
        ("mqtt://broker/prefix", "a path after the host is not supported"),
        ("mqtt://broker?keepalive=10", "query options and fragments are not supported"),
        ("mqtt://[::1", "cannot be parsed"),
        ("ws://broker", "scheme 'ws' is not one of"),
        ("mq\ntt://broker", "spaces or control characters"),
        ("mqtt://bro ker", "spaces or control characters"),
    ],
)
def test_a_bad_url_names_the_problem_and_never_shows_the_url(url: str, problem: str) -> None:
    with pytest.raises(MqttUrlError, match=problem) as caught:
        parse_mqtt_url(url)
    assert "secret" not in str(caught.value)


def test_the_password_is_not_in_the_endpoints_repr() -> None:
    assert "hunter2" not in repr(parse_mqtt_url("mqtt://u:hunter2@broker"))


@given(st.text(max_size=80))
def test_any_text_is_an_endpoint_or_an_mqtt_url_error(url: str) -> None:
    try:
        endpoint = parse_mqtt_url(url)
    except MqttUrlError as exc:
        assert str(exc)
    else:
        assert endpoint.host and 1 <= endpoint.port <= 65535
        assert endpoint.tls == SCHEMES[url.strip().split(":", 1)[0].lower()][1]
        assert all(c.isprintable() and not c.isspace() for c in endpoint.host)


@given(
    scheme=st.sampled_from(sorted(SCHEMES)),
    userinfo=st.text(max_size=20),
    host=st.from_regex(r"[a-z0-9][a-z0-9.-]{0,30}", fullmatch=True),
    port=st.integers(min_value=-5, max_value=70_000) | st.none(),
)
def test_any_url_built_from_parts_is_an_endpoint_or_an_mqtt_url_error(
    scheme: str, userinfo: str, host: str, port: int | None
) -> None:
    url = f"{scheme}://{userinfo}@{host}" + ("" if port is None else f":{port}")
    try:
        endpoint = parse_mqtt_url(url)
    except MqttUrlError as exc:
        assert str(exc)
    else:
        assert endpoint.port == (port or SCHEMES[scheme][0])
