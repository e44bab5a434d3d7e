"""Making a paho-mqtt client for an endpoint: one factory for the agent, ingestion, the API and the registry.

Every process that speaks to the broker builds its client here, so they agree on the protocol (MQTT 3.1.1,
which Mosquitto, EMQX, HiveMQ and VerneMQ all speak), on TLS (the system's trusted CAs, which honour
``SSL_CERT_FILE`` for a private CA, with the certificate and host name always checked) and on how
credentials are set. What differs between them is a parameter: the client id, whether the broker keeps the
session, manual acknowledgement (ingestion acks after commit) and paho's reconnect delays (None for a
client that runs its own reconnect loop, like the agent).

Why here: this is the lowest layer that both the edge and the cloud import, and the endpoint it takes is
the contract's (:mod:`contract.mqtt_url`). Unlike the rest of ``contract`` it needs ``paho-mqtt``; only
processes that connect import this module (``import contract`` does not load it), and every one of them
installs paho already (the ``edge`` extra, which ``cloud`` includes).
"""

from __future__ import annotations

import ssl

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from contract.mqtt_url import MqttEndpoint


def make_client(
    endpoint: MqttEndpoint,
    *,
    client_id: str,
    clean_session: bool,
    manual_ack: bool = False,
    reconnect_delay_s: tuple[int, int] | None = None,
    tls_context: ssl.SSLContext | None = None,
) -> mqtt.Client:
    """A paho client (callback API 2, MQTT 3.1.1) with ``endpoint``'s credentials and TLS, not yet connected.

    ``reconnect_delay_s`` is paho's (min, max) back-off between automatic reconnects; ``tls_context``
    replaces the default context (system CAs, verification on) for a TLS endpoint.
    """
    client = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=client_id,
        clean_session=clean_session,
        protocol=mqtt.MQTTv311,
        manual_ack=manual_ack,
    )
    if endpoint.username:
        client.username_pw_set(endpoint.username, endpoint.password)
    if endpoint.tls:
        client.tls_set_context(tls_context or ssl.create_default_context())
    if reconnect_delay_s is not None:
        client.reconnect_delay_set(*reconnect_delay_s)
    return client
