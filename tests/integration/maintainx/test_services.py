"""The demo's launchers start real brokers, with amqtt standing in when Mosquitto is missing."""

from __future__ import annotations

import threading
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

from maintainx import services
from maintainx.services import Broker

pytestmark = pytest.mark.integration


def round_trip(port: int) -> bytes:
    """Publish one QoS 1 message through the broker on ``port`` and return what a subscriber got."""
    got: list[bytes] = []
    arrived = threading.Event()
    sub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
    sub.on_message = lambda c, u, m: (got.append(m.payload), arrived.set())
    sub.connect("127.0.0.1", port)
    sub.loop_start()
    sub.subscribe("maintainx/test", qos=1)
    pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
    pub.connect("127.0.0.1", port)
    pub.loop_start()
    try:
        # Retry until the subscription is active: SUBACK and the first publish may race.
        for _ in range(50):
            pub.publish("maintainx/test", b"hello", qos=1).wait_for_publish(5)
            if arrived.wait(0.2):
                break
        return got[0]
    finally:
        pub.loop_stop()
        sub.loop_stop()
        pub.disconnect()
        sub.disconnect()


def test_mosquitto_is_used_when_installed_and_carries_messages(tmp_path: Path) -> None:
    broker = Broker(tmp_path / "mq").start()
    try:
        assert broker.kind == "mosquitto"
        assert round_trip(broker.port) == b"hello"
    finally:
        broker.stop()
    assert broker.proc is not None and broker.proc.poll() is not None


def test_the_pure_python_broker_stands_in_when_mosquitto_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "mosquitto_binary", lambda: None)
    broker = Broker(tmp_path / "mq").start()
    try:
        assert broker.kind == "amqtt"
        assert round_trip(broker.port) == b"hello"
    finally:
        broker.stop()
    assert broker.proc is not None and broker.proc.poll() is not None
