"""The MQTT side of ingestion: a persistent session that hands messages to a bounded queue, acked on request.

MQTT 3.1.1 with ``clean_session=False`` and a stable client id, so messages published while the worker is
down wait in the broker; ``manual_ack=True``, so the broker keeps a message until the writer has committed
it and calls :meth:`MqttConsumer.ack`. Telemetry and predictions are shared subscriptions (workers split
them); status and deployment reports are not shared, since every worker may store them (idempotent upserts
ordered by the message's own time) and a retained one must reach a restarted worker.
"""

from __future__ import annotations

import logging
import queue
import threading

import paho.mqtt.client as mqtt

from cloud.ingestion.dead_letter import Reason, Rejected
from cloud.ingestion.messages import Inbound
from cloud.ingestion.routing import Routed, route
from cloud.ingestion.timecheck import TimeWindow
from cloud.ingestion.writer import prepare
from contract.codec import encode
from contract.mqtt_client import make_client
from contract.mqtt_url import MqttEndpoint
from contract.payloads import CommitAck
from contract.topics import Command, Kind, command_topic, fleet_filter

logger = logging.getLogger(__name__)

KEEPALIVE_S = 30
# Seconds between reconnection attempts: quick at first, backing off to this ceiling.
RECONNECT_MIN_S, RECONNECT_MAX_S = 1, 10
# How long on_message waits on a full queue before checking whether it should give up (pause/stop).
_PUT_POLL_S = 0.5


def subscriptions(share_group: str) -> list[tuple[str, int]]:
    """The filters ingestion subscribes to, all at QoS 1."""
    return [
        (fleet_filter(Kind.TELEMETRY, share_group), 1),
        (fleet_filter(Kind.PREDICTIONS, share_group), 1),
        (fleet_filter(Kind.STATUS), 1),
        (fleet_filter(Kind.DEPLOYMENT), 1),
    ]


class MqttConsumer:
    """Receives fleet messages, decoded, into ``inbox`` (blocking when it is full); acknowledges on request.

    Decoding and formatting the COPY text happen here, on the network thread, so they overlap the writer's
    database round-trips instead of adding to them (PostgreSQL would otherwise wait for the writer).
    """

    def __init__(
        self,
        endpoint: MqttEndpoint,
        *,
        client_id: str,
        share_group: str,
        inbox: queue.Queue[Routed],
        window: TimeWindow | None = None,
    ) -> None:
        self.endpoint = endpoint
        # Event times outside this window around the receive time are dead-lettered (None: only the
        # times UTC cannot represent).
        self.window = window
        self.inbox = inbox
        self._subscriptions = subscriptions(share_group)
        self._lock = threading.Lock()
        self._epoch = 0
        self._connected = False
        self._failed_attempts = 0
        self._paused = threading.Event()
        # Set once the broker confirmed the subscriptions (SUBACK): from then on nothing published is missed.
        self.subscribed = threading.Event()
        self.client = make_client(
            endpoint,
            client_id=client_id,
            clean_session=False,
            manual_ack=True,
            reconnect_delay_s=(RECONNECT_MIN_S, RECONNECT_MAX_S),
        )
        self.client.on_connect = self._on_connect
        self.client.on_connect_fail = self._on_connect_fail
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe

    @property
    def connected(self) -> bool:
        """True while the broker connection is up."""
        return self._connected

    def start(self) -> None:
        """Connect in the background (retrying until the broker is there) and start the network thread."""
        self.client.connect_async(self.endpoint.host, self.endpoint.port, KEEPALIVE_S)
        self.client.loop_start()

    def pause(self) -> None:
        """Stop taking messages: later ones stay un-acked and the broker redelivers them next session."""
        self._paused.set()

    def ack(self, message: Inbound) -> bool:
        """Acknowledge a committed message; False if it came on an earlier connection (to be redelivered)."""
        with self._lock:
            if message.epoch != self._epoch or not self._connected:
                return False
            if message.qos > 0:
                self.client.ack(message.mid, message.qos)
            return True

    def send_commit_acks(self, acks: dict[str, list[CommitAck]]) -> int:
        """Tell gateways what the cloud committed (QoS 0: a lost ack costs a resend); return how many went.

        Safe from the writer thread: paho queues the packet under its own lock.
        """
        sent = 0
        for gateway_id, messages in acks.items():
            topic = command_topic(gateway_id, Command.COMMITTED)
            for ack in messages:
                sent += self.client.publish(topic, encode(ack), qos=0).rc == mqtt.MQTT_ERR_SUCCESS
        return sent

    def stop(self) -> None:
        """Disconnect cleanly (queued acks are sent first) and stop the network thread."""
        self.pause()
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(
        self,
        client: mqtt.Client,
        userdata: object,
        flags: mqtt.ConnectFlags,
        reason_code: mqtt.ReasonCode,
        properties: mqtt.Properties | None,
    ) -> None:
        if reason_code.is_failure:
            logger.error(
                "broker %s:%s refused the connection: %s", self.endpoint.host, self.endpoint.port, reason_code
            )
            return
        with self._lock:
            self._epoch += 1
            self._connected = True
            self._failed_attempts = 0
        # Subscribing again is harmless on a resumed session and needed on a new one.
        client.subscribe(self._subscriptions)
        logger.info(
            "connected to broker %s:%s (session present: %s)",
            self.endpoint.host,
            self.endpoint.port,
            flags.session_present,
        )

    def _on_connect_fail(self, client: mqtt.Client, userdata: object) -> None:
        # Called once per attempt, and attempts are spaced by the backoff: one line per wait, not a flood.
        self._failed_attempts += 1
        logger.warning(
            "cannot reach the broker at %s:%s (attempt %d); retrying, at most %d s apart",
            self.endpoint.host,
            self.endpoint.port,
            self._failed_attempts,
            RECONNECT_MAX_S,
        )

    def _on_disconnect(
        self,
        client: mqtt.Client,
        userdata: object,
        flags: mqtt.DisconnectFlags,
        reason_code: mqtt.ReasonCode,
        properties: mqtt.Properties | None,
    ) -> None:
        with self._lock:
            self._epoch += 1
            self._connected = False
        if not self._paused.is_set():
            logger.warning("lost the broker connection (%s); reconnecting", reason_code)

    def _on_subscribe(
        self,
        client: mqtt.Client,
        userdata: object,
        mid: int,
        reason_codes: list[mqtt.ReasonCode],
        properties: mqtt.Properties | None,
    ) -> None:
        refused = [str(code) for code in reason_codes if code.is_failure]
        if refused:
            logger.error("broker refused subscriptions %s: %s", self._subscriptions, refused)
            return
        self.subscribed.set()

    def _on_message(self, client: mqtt.Client, userdata: object, msg: mqtt.MQTTMessage) -> None:
        # A retained message is taken like any other: dead-lettered and acknowledged when it is bad.
        # (The broker refuses topics that are not UTF-8, MQTT 3.1.1 section 4.7.3, so msg.topic decodes.)
        inbound = Inbound(msg.topic, bytes(msg.payload), msg.mid, msg.qos, self._epoch)
        try:
            routed = prepare(route(inbound, self.window))
        except Exception as exc:
            # An exception here would end paho's network thread and with it all ingestion, at every
            # redelivery of the message: it becomes a dead letter instead (and is acknowledged).
            logger.exception("could not route a message on %r", inbound.topic)
            routed = Rejected(
                inbound, Reason.INGESTION_FAILED, f"routing failed: {type(exc).__name__}: {exc}"
            )
        # Back-pressure: block the network thread while the writer is behind; never grow without bound.
        while not self._paused.is_set():
            try:
                self.inbox.put(routed, timeout=_PUT_POLL_S)
                return
            except queue.Full:
                continue
