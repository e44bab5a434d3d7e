"""The API's line to the gateways: an MQTT publisher for commands such as "this machine was repaired".

One paho client per API process, with its own client id, running paho's network thread and reconnecting
on its own; the API reads ``connected`` for /api/health. Behind the small ``CommandSink`` protocol so the
ticket service does not care how a command travels.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Protocol

import paho.mqtt.client as mqtt

from cloud.config import Settings
from contract import MaintenanceCommand, encode
from contract.mqtt_client import make_client
from contract.topics import Command, command_topic

logger = logging.getLogger(__name__)

# Commands must arrive (the simulator repairs the machine on it): at least once, the agent de-duplicates.
COMMAND_QOS = 1
KEEPALIVE_S = 30
# Reconnect quickly after a broker restart, but do not hammer a broker that stays down.
RECONNECT_MIN_S = 1
RECONNECT_MAX_S = 30


class CommandSink(Protocol):
    """Where the API sends commands for gateways."""

    @property
    def connected(self) -> bool:
        """Whether commands can be delivered right now."""
        ...

    def send_maintenance(self, gateway_id: str, command: MaintenanceCommand) -> None:
        """Tell ``gateway_id`` that maintenance was done on one of its machines."""
        ...


class MqttCommandPublisher:
    """A reconnecting paho client that publishes commands with QoS 1."""

    def __init__(self, settings: Settings, client_id: str | None = None) -> None:
        self._endpoint = settings.mqtt_endpoint()
        self._connected = threading.Event()
        self._client = make_client(
            self._endpoint,
            client_id=client_id or f"maintainx-api-{os.getpid()}",
            clean_session=True,
            reconnect_delay_s=(RECONNECT_MIN_S, RECONNECT_MAX_S),
        )
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect

    @property
    def connected(self) -> bool:
        """Whether the client holds a live session with the broker."""
        return self._connected.is_set()

    def start(self) -> MqttCommandPublisher:
        """Connect in the background; paho keeps reconnecting until ``stop``."""
        self._client.connect_async(self._endpoint.host, self._endpoint.port, KEEPALIVE_S)
        self._client.loop_start()
        return self

    def wait_connected(self, timeout: float) -> bool:
        """Block until connected or ``timeout`` seconds passed; return whether connected."""
        return self._connected.wait(timeout)

    def stop(self) -> None:
        """Disconnect and stop the network thread."""
        self._client.disconnect()
        self._client.loop_stop()

    def send_maintenance(self, gateway_id: str, command: MaintenanceCommand) -> None:
        """Publish ``command`` on the gateway's maintenance topic (queued by paho while disconnected)."""
        topic = command_topic(gateway_id, Command.MAINTENANCE)
        info = self._client.publish(topic, encode(command), qos=COMMAND_QOS)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            logger.warning(
                "maintenance command for %s queued, broker not reachable (rc=%s)", gateway_id, info.rc
            )

    def _on_connect(
        self, client: mqtt.Client, userdata: object, flags: object, reason: object, props: object
    ) -> None:
        if getattr(reason, "is_failure", False):
            logger.warning("MQTT broker refused the API's connection: %s", reason)
            return
        logger.info("API connected to MQTT broker %s:%s", self._endpoint.host, self._endpoint.port)
        self._connected.set()

    def _on_disconnect(
        self, client: mqtt.Client, userdata: object, flags: object, reason: object, props: object
    ) -> None:
        self._connected.clear()
        logger.info("API disconnected from MQTT broker: %s", reason)
