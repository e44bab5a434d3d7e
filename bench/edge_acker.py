"""What the edge benchmark puts in the cloud's place: commit acks for everything the agent publishes.

The edge benchmark measures the agent, not PostgreSQL, so no database commits anything here: each telemetry
or prediction message is decoded with ingestion's own routing and answered at once with ingestion's own
``commit_acks``, on the gateway's ``commands/committed`` topic, so the agent pays the whole commit-ack path
(mark sent on PUBACK, delete by seq range on the ack) as it does in production.
"""

from __future__ import annotations

import threading
import uuid

import paho.mqtt.client as mqtt

from cloud.ingestion.acks import commit_acks
from cloud.ingestion.messages import Inbound
from cloud.ingestion.routing import route
from contract.codec import encode
from contract.mqtt_client import make_client
from contract.mqtt_url import MqttEndpoint
from contract.topics import Command, Kind, command_topic, gateway_topic


class CommitAcker:
    """A paho client that confirms every record one gateway publishes, from ``start()`` to ``stop()``."""

    def __init__(self, port: int, gateway_id: str) -> None:
        self.gateway_id = gateway_id
        self.acked = 0
        self._subscribed = threading.Event()
        self.client = make_client(
            MqttEndpoint("127.0.0.1", port, tls=False),
            client_id=f"bench-acker-{uuid.uuid4().hex[:6]}",
            clean_session=True,
        )
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda *_: self._subscribed.set()
        self.client.connect("127.0.0.1", port)

    def start(self) -> None:
        """Start answering in the background, once the broker confirmed the subscription."""
        self.client.loop_start()
        if not self._subscribed.wait(10):
            raise RuntimeError("the bench's commit acker could not subscribe")

    def stop(self) -> None:
        """Disconnect and stop the network thread."""
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(self, client: mqtt.Client, *_: object) -> None:
        client.subscribe([(gateway_topic(self.gateway_id, k), 1) for k in (Kind.TELEMETRY, Kind.PREDICTIONS)])

    def _on_message(self, client: mqtt.Client, _u: object, msg: mqtt.MQTTMessage) -> None:
        item = route(Inbound(msg.topic, bytes(msg.payload), msg.mid, msg.qos, 0))
        topic = command_topic(self.gateway_id, Command.COMMITTED)
        for ack in commit_acks([item]).get(self.gateway_id, []):
            client.publish(topic, encode(ack), qos=0)
            self.acked += 1
