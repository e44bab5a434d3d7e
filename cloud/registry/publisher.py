"""Telling gateways about model updates over MQTT: one retained QoS 1 message per gateway.

Retained, because a model update is desired state rather than an event: a gateway that is offline when the
rollout reaches it gets the message when it reconnects, and a newer update simply replaces it.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Protocol

from cloud.registry.errors import RolloutError
from cloud.registry.mqtt import broker_endpoint
from contract import encode
from contract.mqtt_client import make_client
from contract.mqtt_url import MqttEndpoint
from contract.payloads import ModelUpdateCommand
from contract.topics import Command, command_topic

if TYPE_CHECKING:
    from cloud.config import Settings

logger = logging.getLogger(__name__)

QOS = 1
KEEPALIVE_S = 30
# How long to wait for the broker to accept the connection and each PUBACK before calling it a failure.
CONNECT_TIMEOUT_S = 10.0
PUBLISH_TIMEOUT_S = 10.0


class UpdatePublisher(Protocol):
    """Where rollouts send model updates."""

    def publish_update(self, gateway_id: str, command: ModelUpdateCommand) -> None:
        """Deliver ``command`` to ``gateway_id`` (retained until replaced)."""
        ...


class MqttUpdatePublisher:
    """A short-lived paho client: connect, publish the updates with PUBACK awaited, disconnect."""

    def __init__(self, endpoint: MqttEndpoint, *, client_id: str | None = None) -> None:
        self._host, self._port = endpoint.host, endpoint.port
        self._client = make_client(
            endpoint, client_id=client_id or f"maintainx-rollout-{os.getpid()}", clean_session=True
        )

    @classmethod
    def from_url(cls, mqtt_url: str) -> MqttUpdatePublisher:
        """A publisher for ``mqtt://user:pass@host:port`` (or ``mqtts://``); RolloutError when malformed."""
        return cls(broker_endpoint(mqtt_url))

    @classmethod
    def from_settings(cls, settings: Settings) -> MqttUpdatePublisher:
        """A publisher with the cloud settings' broker address and credentials."""
        return cls(settings.mqtt_endpoint())

    def __enter__(self) -> MqttUpdatePublisher:
        try:
            self._client.connect(self._host, self._port, KEEPALIVE_S)
        except OSError as exc:
            raise RolloutError(f"cannot reach the MQTT broker at {self._host}:{self._port}: {exc}") from exc
        self._client.loop_start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    def publish_update(self, gateway_id: str, command: ModelUpdateCommand) -> None:
        """Publish ``command`` retained on the gateway's model-update topic and wait for the PUBACK."""
        info = self._client.publish(
            command_topic(gateway_id, Command.MODEL_UPDATE), encode(command), qos=QOS, retain=True
        )
        info.wait_for_publish(PUBLISH_TIMEOUT_S)
        if not info.is_published():
            raise RolloutError(f"the broker did not acknowledge the update for gateway {gateway_id}")
        logger.info("model update %s (%s) sent to %s", command.version, command.mode, gateway_id)
