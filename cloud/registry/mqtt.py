"""The registry's MQTT clients (rollout publisher, report consumer): built and addressed one way."""

from __future__ import annotations

import os
import ssl
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from cloud.registry.errors import RolloutError


class BrokerAddress(NamedTuple):
    """Where and as whom to connect."""

    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None


def parse_mqtt_url(mqtt_url: str) -> BrokerAddress:
    """``mqtt://user:pass@host:port`` (or ``mqtts://``) as a BrokerAddress; RolloutError when malformed."""
    parts = urlsplit(mqtt_url)
    if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
        raise RolloutError(f"mqtt url must be mqtt://host:port or mqtts://host:port, got {mqtt_url!r}")
    return BrokerAddress(
        parts.hostname,
        parts.port or (8883 if parts.scheme == "mqtts" else 1883),
        parts.scheme == "mqtts",
        unquote(parts.username) if parts.username else None,
        unquote(parts.password) if parts.password else None,
    )


def make_client(
    purpose: str, *, client_id: str | None, tls: bool, username: str | None, password: str | None
) -> mqtt.Client:
    """A clean-session MQTT 3.1.1 client named ``maintainx-<purpose>-<pid>`` unless ``client_id`` is given."""
    client = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=client_id or f"maintainx-{purpose}-{os.getpid()}",
        protocol=mqtt.MQTTv311,
        clean_session=True,
    )
    if username:
        client.username_pw_set(username, password)
    if tls:
        client.tls_set(cert_reqs=ssl.CERT_REQUIRED)
    return client
