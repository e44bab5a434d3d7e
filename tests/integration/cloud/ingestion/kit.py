"""Helpers for ingestion tests: settings, payload builders, a QoS 1 publisher, polling."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time

import paho.mqtt.client as mqtt
import pytest
import sqlalchemy as sa
from paho.mqtt.enums import CallbackAPIVersion

from cloud.config import Settings
from contract.payloads import (
    DeploymentReport,
    DeploymentState,
    MachineInfo,
    Prediction,
    PredictionBatch,
    Reading,
    TelemetryBatch,
    new_id,
)
from maintainx.services import Broker

# Yesterday at 20:00 UTC: inside the event-time window ingestion accepts (30 days back by default) on
# whatever day the tests run, and a fixed hour so that times derived from it are easy to read.
T0 = datetime.combine(datetime.now(UTC).date() - timedelta(days=1), clock_time(20, 0), tzinfo=UTC)


def make_settings(broker: Broker, worker_id: str = "test-worker", **overrides: object) -> Settings:
    """Settings for a worker on the test broker (database URL is passed to the worker directly)."""
    return Settings(mqtt_url=broker.url, ingest_worker_id=worker_id, **overrides)  # type: ignore[arg-type]


def readings(machine_id: uuid.UUID, n: int, *, start_seq: int = 0) -> list[Reading]:
    """``n`` plausible readings of one machine, one second apart."""
    return [
        Reading(
            id=new_id(),
            seq=start_seq + i,
            machine_id=machine_id,
            ts=T0 + timedelta(seconds=start_seq + i),
            temperature=60.0 + i % 7,
            vibration=2.5,
            rpm=1480.0,
        )
        for i in range(n)
    ]


def telemetry(gateway_id: str, rows: list[Reading]) -> TelemetryBatch:
    """A telemetry batch from ``gateway_id``."""
    return TelemetryBatch(gateway_id=gateway_id, sent_at=T0, readings=rows)


def predictions(gateway_id: str, machine_id: uuid.UUID, n: int) -> PredictionBatch:
    """A prediction batch of ``n`` verdicts on one machine, with features; those at risk name a fault."""
    return PredictionBatch(
        gateway_id=gateway_id,
        sent_at=T0,
        predictions=[
            Prediction(
                id=new_id(),
                seq=i,
                machine_id=machine_id,
                ts=T0 + timedelta(seconds=i),
                failure_prob=0.1 * (i % 10),
                anomaly_score=0.5,
                is_anomaly=i % 2 == 0,
                model_version="iforest-1\ttab\\slash",
                features={"temperature_mean": 61.5, "rpm_std": 3.25},
                fault="bearing_wear" if i % 10 >= 7 else None,
            )
            for i in range(n)
        ],
    )


def machine(name: str = "press 1") -> MachineInfo:
    """A machine as a gateway announces it."""
    return MachineInfo(id=new_id(), name=name, type="hydraulic press", location="hall A")


class Publisher:
    """A plain MQTT client publishing at QoS 1 and waiting for each PUBACK."""

    def __init__(self, broker: Broker) -> None:
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:8]}")
        self.client.connect("127.0.0.1", broker.port)
        self.client.loop_start()

    def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        """Publish and block until the broker has it."""
        self.client.publish(topic, payload, qos=1, retain=retain).wait_for_publish(10)

    def close(self) -> None:
        """Disconnect."""
        self.client.disconnect()
        self.client.loop_stop()


def wait_until(check: Callable[[], object], *, timeout: float = 15.0, what: str = "condition") -> None:
    """Poll ``check`` until it is truthy; fail the test saying what did not happen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")


def scalar(engine: sa.Engine, sql: str, **params: object) -> object:
    """One value from the test database."""
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def make_rollout(engine: sa.Engine, version: str = "v2") -> uuid.UUID:
    """A registered model version and an active rollout of it, straight into the registry's tables."""
    rollout_id = uuid.uuid4()
    with engine.begin() as conn:
        version_id = conn.execute(
            sa.text(
                "INSERT INTO model_versions (version, name, sha256, size, manifest) "
                "VALUES (:v, 'test', repeat('0', 64), 1, '{}'::jsonb) RETURNING id"
            ),
            {"v": version},
        ).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO rollouts (id, version_id, target_key, stages, latency_budget_ms) "
                "VALUES (:id, :vid, 'all', '[1.0]', 50)"
            ),
            {"id": rollout_id, "vid": version_id},
        )
    return rollout_id


def deployment(
    gateway_id: str, rollout_id: uuid.UUID | None, state: DeploymentState = "active", **fields: object
) -> DeploymentReport:
    """A deployment report of ``gateway_id`` for ``rollout_id``, stamped now unless ``ts`` is given."""
    values: dict[str, object] = {"version": "v2", "serving": "v2", "ts": datetime.now(UTC)} | fields
    return DeploymentReport(gateway_id=gateway_id, rollout_id=rollout_id, state=state, **values)  # type: ignore[arg-type]
