"""The gateways' side of the ingestion benchmark: the bench fleet's identities, messages and publishers."""

from __future__ import annotations

import time
import uuid
from collections import deque
from datetime import UTC, datetime
from typing import Any

GATEWAYS = 10
MACHINES_PER_GATEWAY = 100
READINGS_PER_MESSAGE = 100
# Publishers pause when this many published readings are not committed yet (about 2 s of work).
BACKLOG_ROWS = 60_000
# Un-acknowledged QoS 1 publishes one publisher keeps in flight.
PUBLISH_WINDOW = 50


def machine_id(gateway: int, index: int) -> uuid.UUID:
    """The bench machine ``index`` of ``gateway`` (fixed ids, so every database agrees)."""
    return uuid.UUID(int=(0x0195F0A1 << 96) + gateway * 1000 + index)


def gateway_id(gateway: int) -> str:
    """The bench gateway number ``gateway``'s id."""
    return f"gw-{gateway:02d}"


def telemetry_payload(gateway: int, seq: int, ts: datetime) -> bytes:
    """One gateway's message: one reading of each of its machines (ids made here, as the edge does)."""
    from contract.codec import encode
    from contract.payloads import Reading, TelemetryBatch, new_id

    readings = [
        Reading(
            id=new_id(),
            seq=seq + i,
            machine_id=machine_id(gateway, i % MACHINES_PER_GATEWAY),
            ts=ts,
            temperature=60.0 + (seq + i) % 17 * 0.25,
            vibration=2.5 + i % 5 * 0.1,
            rpm=1480.0 + i % 11,
        )
        for i in range(READINGS_PER_MESSAGE)
    ]
    return encode(TelemetryBatch(gateway_id=gateway_id(gateway), sent_at=ts, readings=readings))


def publisher(index: int, gateways: list[int], port: int, shared: dict[str, Any]) -> None:
    """Publish telemetry of ``gateways`` at QoS 1 until stopped: as fast as the backlog allows, or paced."""
    from contract.mqtt_client import make_client
    from contract.mqtt_url import MqttEndpoint
    from contract.topics import Kind, gateway_topic

    client = make_client(
        MqttEndpoint("127.0.0.1", port, tls=False), client_id=f"bench-pub-{index}", clean_session=True
    )
    client.max_inflight_messages_set(PUBLISH_WINDOW)
    client.connect("127.0.0.1", port)
    client.loop_start()
    topics = {g: gateway_topic(gateway_id(g), Kind.TELEMETRY) for g in gateways}
    seqs = dict.fromkeys(gateways, 0)
    # Gateways encode on their own hardware: the flat-out phase sends messages prepared before timing,
    # so this machine's two cores go to the broker, ingestion and PostgreSQL.
    pool: deque[tuple[int, bytes]] = deque()
    now = datetime.now(UTC)
    while len(pool) * READINGS_PER_MESSAGE < shared["pool_rows"]:
        for g in gateways:
            pool.append((g, telemetry_payload(g, seqs[g], now)))
            seqs[g] += READINGS_PER_MESSAGE
    with shared["ready"].get_lock():
        shared["ready"].value += 1
    shared["go"].wait()
    pending: deque[Any] = deque()
    sent = 0
    while not shared["stop"].is_set():
        rate = shared["rate"].value  # readings/s for all publishers together; 0 = as fast as allowed
        if rate == 0 and shared["published"].value - shared["committed"].value > BACKLOG_ROWS:
            time.sleep(0.005)
            continue
        started = time.monotonic()
        for g in gateways:
            if rate == 0 and pool:
                g, payload = pool.popleft()
            else:  # paced: made now, so a reading's timestamp is its publish time
                payload = telemetry_payload(g, seqs[g], datetime.now(UTC))
                seqs[g] += READINGS_PER_MESSAGE
            pending.append(client.publish(topics[g], payload, qos=1))
            while len(pending) > PUBLISH_WINDOW:
                pending.popleft().wait_for_publish(30)
            sent += READINGS_PER_MESSAGE
            with shared["published"].get_lock():
                shared["published"].value += READINGS_PER_MESSAGE
        if rate:
            share = rate / shared["publishers"]
            time.sleep(max(0.0, len(gateways) * READINGS_PER_MESSAGE / share - (time.monotonic() - started)))
    while pending:
        pending.popleft().wait_for_publish(30)
    client.disconnect()
    client.loop_stop()
