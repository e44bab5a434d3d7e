"""The MQTT link: drains the outbox to the broker, publishes the gateway status, receives commands.

paho-mqtt 2.x speaking MQTT 3.1.1 with a persistent session (clean_session=False, a stable client id),
QoS 1 throughout. All paho calls happen on one network thread owned by this class, so sampling never
waits on the network. The broker's PUBACK only marks a message's rows sent; they are deleted when the
cloud's commit acknowledgement (``CommitAck`` on the gateway's ``commands/committed`` topic) names their
seqs, since a broker restarted after a crash can forget what it acknowledged. Rows sent and not confirmed
within ``ack_timeout_s`` are sent again, as are all of them after a reconnect. Messages in flight when the
connection drops are re-sent by paho after the reconnect (same mid, DUP set); rows that never left are sent
from the outbox; after a restart every stored row is sent again. Duplicates are fine: the cloud dedupes by
id. With ``confirm_by = "puback"`` the PUBACK deletes the rows, as agents before commit acks did.

Catching up: when the connection comes up, whatever the outbox holds becomes backlog. Each publish round
sends live rows first (as they come, in batches of ``batch_max`` or every ``publish_interval_s``), then
fills the remaining in-flight window with backlog: predictions before readings, oldest first, at most
``catchup_rate`` records a second (a token bucket). Live data therefore never queues behind the backlog,
however long the outage was, and the backlog uses whatever capacity live data leaves.
"""

from __future__ import annotations

import logging
import queue
import random
import ssl
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import msgspec
import paho.mqtt.client as mqtt
from paho.mqtt.enums import MQTTErrorCode

from contract import GatewayStatus, MaintenanceCommand, Prediction, PredictionBatch, Reading, TelemetryBatch
from contract.codec import ContractError, decode, encode
from contract.mqtt_client import make_client
from contract.payloads import CommitAck, DeploymentReport, ModelUpdateCommand
from contract.topics import Command, Kind, TopicError, gateway_commands_filter, gateway_topic, parse
from edge_agent.config import AgentConfig, mqtt_endpoint
from edge_agent.errors import OutboxError
from edge_agent.outbox import DRAIN_ORDER, Outbox, Stream

logger = logging.getLogger(__name__)

QOS = 1
# Messages awaiting PUBACK at once: enough to fill the pipe to a nearby broker, small enough that a
# reconnect re-sends little. paho gets the same limit so it never queues messages of its own.
MAX_IN_FLIGHT = 20
# Reconnect backoff: doubles from MIN to MAX, each wait scaled by a random 50-100 % so a fleet that lost
# its broker together does not come back in lock-step.
BACKOFF_MIN_S = 0.5
BACKOFF_MAX_S = 30.0
# How long one network-loop call may block; bounds the delay between a new record and its publish check.
LOOP_TIMEOUT_S = 0.05
# How long to wait for the PUBACK of the final offline status when stopping.
STATUS_ACK_TIMEOUT_S = 2.0
# While the cloud confirms nothing, each round of resends doubles the wait for its ack, up to this factor.
MAX_ACK_BACKOFF = 16


def backoff_delay(attempt: int, rng: random.Random | None = None) -> float:
    """Seconds to wait before reconnect attempt ``attempt`` (0-based): jittered exponential backoff."""
    base = min(BACKOFF_MAX_S, BACKOFF_MIN_S * 2.0 ** min(attempt, 16))
    return base * (rng or random).uniform(0.5, 1.0)


class MqttLink:
    """Owns the paho client and its thread; ``start()`` and ``stop()`` are called from the main thread."""

    def __init__(
        self,
        config: AgentConfig,
        outbox: Outbox,
        status: Callable[[bool], GatewayStatus],
        on_command: Callable[[MaintenanceCommand], None],
        on_model_update: Callable[[ModelUpdateCommand], None] | None = None,
    ) -> None:
        self._cfg = config
        self._endpoint = mqtt_endpoint(config)
        self._outbox = outbox
        self._status = status
        self._on_command = on_command
        self._on_model_update = on_model_update
        # Deployment reports from the update worker, published from the network thread (paho's owner).
        self._reports: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        gw = config.gateway_id
        self._topics = {
            Stream.READINGS: gateway_topic(gw, Kind.TELEMETRY),
            Stream.PREDICTIONS: gateway_topic(gw, Kind.PREDICTIONS),
        }
        self._status_topic = gateway_topic(gw, Kind.STATUS)
        self._deployment_topic = gateway_topic(gw, Kind.DEPLOYMENT)
        self._mids: dict[int, list[int]] = {}  # message id -> outbox row ids it carries
        self._status_mid: int | None = None
        # Names the current broker connection in every status and in its will (see GatewayStatus.session).
        self._session = ""
        self._connected = threading.Event()
        self._stop = threading.Event()
        self._flush_deadline = 0.0
        self._thread = threading.Thread(target=self._run, name="mqtt", daemon=True)
        self._reading = msgspec.json.Decoder(Reading)
        self._prediction = msgspec.json.Decoder(Prediction)
        self._last_publish = dict.fromkeys(Stream, 0.0)
        self._tokens = 0.0  # catch-up budget in records, see _refill
        self._refilled = time.monotonic()
        self._next_heartbeat = 0.0
        self._ack_backoff = 1  # multiplies ack_timeout_s; reset by any confirmation
        self._next_expiry = 0.0
        self.messages_sent = 0
        self.records_acked = 0
        self.records_confirmed = 0
        self.records_resent = 0
        self.commands_refused = 0
        self.last_error: str | None = None
        self._client = self._make_client()

    @property
    def connected(self) -> bool:
        """True while the broker has accepted our connection."""
        return self._connected.is_set()

    def _make_client(self) -> mqtt.Client:
        # No paho reconnect delays: _run reconnects itself, with jitter, and sets the will first.
        client = make_client(
            self._endpoint, client_id=f"maintainx-agent-{self._cfg.gateway_id}", clean_session=False
        )
        client.max_inflight_messages_set(MAX_IN_FLIGHT)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_publish = self._on_publish
        client.on_message = self._on_message
        return client

    def send_report(self, report: DeploymentReport) -> None:
        """Queue a deployment report (safe from any thread); published retained, latest state wins."""
        self._reports.put(encode(report))

    def start(self) -> None:
        """Start connecting and publishing in the background."""
        self._thread.start()

    def stop(self, flush_timeout_s: float = 5.0) -> None:
        """Flush what can be flushed within ``flush_timeout_s``, publish the offline status, disconnect."""
        self._flush_deadline = time.monotonic() + flush_timeout_s
        self._stop.set()
        self._thread.join(flush_timeout_s + STATUS_ACK_TIMEOUT_S + 5.0)

    # -- network thread ----------------------------------------------------------------------------

    def _run(self) -> None:
        attempt = 0
        first = True
        while not self._stop.is_set():
            try:
                self._set_will()
                if first:
                    self._client.connect(self._endpoint.host, self._endpoint.port, self._cfg.keepalive_s)
                else:
                    self._client.reconnect()
                first = False
            except (OSError, ssl.SSLError) as exc:
                self._note_error(f"cannot connect to {self._endpoint.host}:{self._endpoint.port}: {exc}")
                self._stop.wait(backoff_delay(attempt))
                attempt += 1
                continue
            while not self._stop.is_set():
                if self._client.loop(LOOP_TIMEOUT_S) != MQTTErrorCode.MQTT_ERR_SUCCESS:
                    break
                if self.connected:
                    attempt = 0
                    self._pump(time.monotonic())
            if not self._stop.is_set():
                self._connected.clear()
                self._stop.wait(backoff_delay(attempt))
                attempt += 1
        self._shutdown()

    def _set_will(self) -> None:
        """The broker publishes this retained offline status if we vanish without a clean disconnect.

        Each connection attempt gets a new session id; the will names it, so the cloud can tell the will
        of this connection from a late one of an earlier connection.
        """
        self._session = uuid.uuid4().hex
        will = self._status_now(online=False, will=True)
        self._client.will_set(self._status_topic, encode(will), qos=QOS, retain=True)

    def _status_now(self, *, online: bool, will: bool = False) -> GatewayStatus:
        """The agent's status, stamped with the current connection's session."""
        return msgspec.structs.replace(self._status(online), session=self._session, will=will)

    def _pump(self, now: float, *, flushing: bool = False) -> None:
        """Publish status when due, then live batches, then backlog batches, while the window has room."""
        if now >= self._next_heartbeat:
            self._publish_status(online=True)
        while not self._reports.empty():
            self._client.publish(self._deployment_topic, self._reports.get_nowait(), qos=QOS, retain=True)
        if now >= self._next_expiry:
            self._expire(now)
        for stream in DRAIN_ORDER:
            while len(self._mids) < MAX_IN_FLIGHT:
                waiting = self._outbox.waiting(stream, backlog=False)
                due = flushing or now - self._last_publish[stream] >= self._cfg.publish_interval_s
                if waiting == 0 or (waiting < self._cfg.batch_max and not due):
                    break
                if not self._publish_batch(stream, backlog=False):
                    return
        self._refill(now)
        for stream in DRAIN_ORDER:
            while len(self._mids) < MAX_IN_FLIGHT:
                waiting = self._outbox.waiting(stream, backlog=True)
                want = min(waiting, self._cfg.batch_max)
                if want == 0 or self._tokens < want:
                    break
                if not self._publish_batch(stream, backlog=True, limit=want):
                    return

    def _refill(self, now: float) -> None:
        """Add the catch-up tokens earned since the last round (unlimited when catchup_rate is 0)."""
        rate = self._cfg.catchup_rate
        if rate <= 0:
            self._tokens = float("inf")
        else:
            # Up to a second's worth (at least one batch) may accumulate, so the backlog goes out in
            # full batches without bursting far above the rate.
            burst = max(rate, float(self._cfg.batch_max))
            self._tokens = min(burst, self._tokens + (now - self._refilled) * rate)
        self._refilled = now

    def _publish_batch(self, stream: Stream, *, backlog: bool, limit: int | None = None) -> bool:
        rows = self._outbox.claim(stream, limit or self._cfg.batch_max, backlog=backlog)
        if not rows:
            return False
        if backlog:
            self._tokens -= len(rows)
        sent_at = datetime.now(UTC)
        gw = self._cfg.gateway_id
        batch: TelemetryBatch | PredictionBatch
        if stream is Stream.READINGS:
            readings = [self._reading.decode(payload) for _, payload in rows]
            batch = TelemetryBatch(gateway_id=gw, sent_at=sent_at, readings=readings)
        else:
            predictions = [self._prediction.decode(payload) for _, payload in rows]
            batch = PredictionBatch(gateway_id=gw, sent_at=sent_at, predictions=predictions)
        info = self._client.publish(self._topics[stream], encode(batch), qos=QOS)
        if info.rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
            # Not handed to paho (connection just dropped): the rows stay stored and go out later.
            self._outbox.release([row_id for row_id, _ in rows])
            return False
        self._mids[info.mid] = [row_id for row_id, _ in rows]
        if not backlog:
            self._last_publish[stream] = time.monotonic()
        self.messages_sent += 1
        return True

    def _expire(self, now: float) -> None:
        """Send again what the broker acknowledged but the cloud has not confirmed in time."""
        wait = self._cfg.ack_timeout_s * self._ack_backoff
        # Checked a few times per timeout: cheap (one dict peek when nothing is due), and timely enough.
        self._next_expiry = now + min(wait, self._cfg.ack_timeout_s) / 4
        resent = self._outbox.expire(now - wait)
        if resent:
            self.records_resent += resent
            self._ack_backoff = min(MAX_ACK_BACKOFF, self._ack_backoff * 2)
            logger.warning(
                "%d records not confirmed by the cloud within %.0f s; sending them again", resent, wait
            )

    def _confirm(self, ack: CommitAck) -> None:
        try:
            confirmed = self._outbox.confirm(Stream.READINGS, ack.readings)
            confirmed += self._outbox.confirm(Stream.PREDICTIONS, ack.predictions)
        except OutboxError as exc:
            # The rows stay: they are resent, and the cloud's next ack for them deletes them then.
            self._note_error(str(exc))
            return
        self.records_confirmed += confirmed
        self._ack_backoff = 1

    def _publish_status(self, *, online: bool) -> None:
        status = encode(self._status_now(online=online))
        info = self._client.publish(self._status_topic, status, qos=QOS, retain=True)
        self._status_mid = info.mid
        self._next_heartbeat = time.monotonic() + self._cfg.heartbeat_s

    def _shutdown(self) -> None:
        """Flush within the deadline, then publish offline status and disconnect cleanly."""
        client = self._client
        while self.connected and time.monotonic() < self._flush_deadline:
            if self._outbox.depth() == 0:
                break
            self._pump(time.monotonic(), flushing=True)
            if client.loop(LOOP_TIMEOUT_S) != MQTTErrorCode.MQTT_ERR_SUCCESS:
                break
        if self.connected:
            self._publish_status(online=False)
            deadline = time.monotonic() + STATUS_ACK_TIMEOUT_S
            while self._status_mid is not None and time.monotonic() < deadline:
                if client.loop(LOOP_TIMEOUT_S) != MQTTErrorCode.MQTT_ERR_SUCCESS:
                    break
            client.disconnect()
            client.loop(LOOP_TIMEOUT_S)
        logger.info(
            "mqtt link stopped: %d messages sent, %d records acknowledged, %d left in the outbox",
            self.messages_sent,
            self.records_acked,
            self._outbox.depth(),
        )

    # -- paho callbacks (network thread) -------------------------------------------------------------

    def _on_connect(self, client: mqtt.Client, _u: Any, flags: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            self._note_error(f"broker refused the connection: {reason}")
            return
        self._connected.set()
        backlog = self._outbox.mark_backlog()
        client.subscribe(gateway_commands_filter(self._cfg.gateway_id), qos=QOS)
        self._publish_status(online=True)
        logger.info(
            "connected to %s:%d (session present: %s); %d records of backlog to catch up on",
            self._endpoint.host,
            self._endpoint.port,
            flags.session_present,
            backlog,
        )

    def _on_disconnect(self, _c: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        was_connected = self.connected
        self._connected.clear()
        if was_connected and not self._stop.is_set():
            self._note_error(f"disconnected from the broker: {reason}")

    def _on_publish(self, _c: mqtt.Client, _u: Any, mid: int, _r: Any, _p: Any) -> None:
        if mid == self._status_mid:
            self._status_mid = None
            return
        rows = self._mids.pop(mid, None)
        if rows:
            if self._cfg.confirm_by == "commit":
                self._outbox.mark_sent(rows, time.monotonic())
            else:
                self._outbox.ack(rows)
            self.records_acked += len(rows)

    def _on_message(self, _c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        # Never let a bad command escape into paho's loop: count it, log why, carry on.
        try:
            topic = parse(message.topic)
            if topic.kind is Kind.COMMANDS and topic.command is Command.COMMITTED:
                self._confirm(decode(bytes(message.payload), CommitAck))
                return
            if (
                topic.kind is Kind.COMMANDS
                and topic.command is Command.MODEL_UPDATE
                and self._on_model_update
            ):
                update = decode(bytes(message.payload), ModelUpdateCommand)
                logger.info("model update %s (%s) received", update.version, update.mode)
                self._on_model_update(update)
                return
            if topic.kind is not Kind.COMMANDS or topic.command is not Command.MAINTENANCE:
                raise TopicError(f"unexpected topic {message.topic!r}")
            command = decode(bytes(message.payload), MaintenanceCommand)
        except (TopicError, ContractError) as exc:
            self.commands_refused += 1
            logger.warning("command on %s refused: %s", message.topic, exc)
            return
        logger.info("maintenance command for machine %s (ticket %s)", command.machine_id, command.ticket_id)
        self._on_command(command)

    def _note_error(self, message: str) -> None:
        if message != self.last_error:
            logger.warning("%s", message)
        self.last_error = message
