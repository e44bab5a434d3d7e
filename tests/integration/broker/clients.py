"""A small blocking MQTT client for broker tests: connect, subscribe, publish and collect, each awaited."""

from __future__ import annotations

import ssl
import threading
import uuid

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

# Generous: six helpers share two cores, and a slow broker must not look like a refusal.
TIMEOUT_S = 10.0
# MQTT 3.1.1 SUBACK return code for a refused subscription.
SUBACK_FAILURE = 0x80


class ConnectRefused(Exception):
    """The broker answered CONNECT with a failure (bad credentials, not authorised)."""


class TestClient:
    """One MQTT 3.1.1 connection whose calls block until the broker answered."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        port: int,
        username: str | None,
        password: str | None,
        *,
        tls: ssl.SSLContext | None = None,
        client_id: str | None = None,
    ) -> None:
        self.messages: list[mqtt.MQTTMessage] = []
        self.disconnects = 0  # times the broker dropped this connection (not counting close())
        self._cond = threading.Condition()
        self._connack: ReasonCode | None = None
        self._subacks: dict[int, list[ReasonCode]] = {}
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id or f"test-{uuid.uuid4().hex[:10]}",
            protocol=mqtt.MQTTv311,
        )
        if username is not None:
            self._client.username_pw_set(username, password)
        if tls is not None:
            self._client.tls_set_context(tls)
        self._client.on_connect = self._on_connect
        self._client.on_subscribe = self._on_subscribe
        self._client.on_message = self._on_message
        self._client.on_disconnect = self._on_disconnect
        self._closing = False
        self._port = port

    def connect(self) -> TestClient:
        """Connect and wait for CONNACK; raise ConnectRefused when the broker says no."""
        self._client.connect("127.0.0.1", self._port, keepalive=30)
        self._client.loop_start()
        with self._cond:
            if not self._cond.wait_for(lambda: self._connack is not None, TIMEOUT_S):
                self.close()
                raise TimeoutError("no CONNACK")
        assert self._connack is not None
        if self._connack.is_failure:
            self.close()
            raise ConnectRefused(str(self._connack))
        return self

    def subscribe(self, topic_filter: str) -> int:
        """Subscribe with QoS 1 and return the SUBACK return code (0-2 granted, 0x80 refused)."""
        _, mid = self._client.subscribe(topic_filter, qos=1)
        assert mid is not None, f"paho did not send the SUBSCRIBE for {topic_filter}"
        with self._cond:
            if not self._cond.wait_for(lambda: mid in self._subacks, TIMEOUT_S):
                raise TimeoutError(f"no SUBACK for {topic_filter}")
        return int(self._subacks[mid][0].value)

    def publish(self, topic: str, payload: bytes) -> None:
        """Publish with QoS 1 and wait for the PUBACK (MQTT 3.1.1 acknowledges even a refused publish)."""
        self._client.publish(topic, payload, qos=1).wait_for_publish(TIMEOUT_S)

    def wait_for(self, payload: bytes, timeout: float = TIMEOUT_S) -> bool:
        """Wait until a message with ``payload`` arrived; return whether it did."""
        with self._cond:
            return self._cond.wait_for(lambda: any(m.payload == payload for m in self.messages), timeout)

    def wait_for_any(self, timeout: float = TIMEOUT_S) -> bool:
        """Wait until any message arrived; return whether one did."""
        with self._cond:
            return self._cond.wait_for(lambda: bool(self.messages), timeout)

    def received(self) -> set[tuple[str, bytes]]:
        """(topic, payload) of every message received so far."""
        with self._cond:
            return {(m.topic, bytes(m.payload)) for m in self.messages}

    def close(self) -> None:
        """Disconnect and stop the network thread."""
        self._closing = True
        self._client.disconnect()
        self._client.loop_stop()

    def _on_connect(self, _c: mqtt.Client, _u: object, _f: object, reason: ReasonCode, _p: object) -> None:
        with self._cond:
            self._connack = reason
            self._cond.notify_all()

    def _on_disconnect(self, _c: mqtt.Client, _u: object, _f: object, _r: object, _p: object) -> None:
        with self._cond:
            if not self._closing:
                self.disconnects += 1
            self._cond.notify_all()

    def _on_subscribe(
        self, _c: mqtt.Client, _u: object, mid: int, codes: list[ReasonCode], _p: object
    ) -> None:
        with self._cond:
            self._subacks[mid] = codes
            self._cond.notify_all()

    def _on_message(self, _c: mqtt.Client, _u: object, message: mqtt.MQTTMessage) -> None:
        with self._cond:
            self.messages.append(message)
            self._cond.notify_all()
