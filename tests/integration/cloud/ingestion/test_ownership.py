"""A gateway owns its machines: end to end through a Mosquitto provisioned by ``python -m cloud.broker``.

Two gateways publish with their own provisioned logins; a real ingestion worker (its own login) writes to
PostgreSQL; engineers act through the real API. Gateway A writing for B's machine stores nothing there,
is dead-lettered with the reason and counted on A; a status proposes, never re-homes nor overwrites an
engineer's edit; engineers approve pending machines and re-home machines, audited.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient as ApiClient
from pydantic import SecretStr

from cloud.config import Settings
from cloud.ingestion.worker import IngestWorker
from contract import encode
from contract.payloads import GatewayStatus, MachineInfo, new_id
from contract.topics import Kind, gateway_topic
from maintainx.services import Broker, BrokerSecurity
from tests.integration.broker.clients import TestClient as MqttClient
from tests.integration.cloud.conftest import TEST_AUTH_SECRET
from tests.integration.cloud.ingestion.kit import predictions, readings, scalar, telemetry, wait_until

pytestmark = pytest.mark.integration

# Short, so the test sees a re-home reach the old gateway quickly; the default is 5 s.
OWNER_CACHE_S = 0.5


@pytest.fixture
def logins(tmp_path: Path) -> dict[str, str]:
    """Broker files and logins for gw-a and gw-b, made by the real command line."""
    out = tmp_path / "security"
    subprocess.run(
        [sys.executable, "-m", "cloud.broker", "provision", "--gateways", "gw-a,gw-b", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    passwords: dict[str, str] = json.loads((out / "credentials.json").read_text())
    return passwords


@pytest.fixture
def broker(tmp_path: Path, logins: dict[str, str]) -> Iterator[Broker]:
    """Mosquitto locked down with the provisioned password and ACL files (replaces the open test broker)."""
    out = tmp_path / "security"
    b = Broker(tmp_path / "secured-broker", security=BrokerSecurity(out / "passwd", out / "acl")).start()
    yield b
    b.stop()


@pytest.fixture
def settings(database_url: str, broker: Broker, tmp_path: Path, logins: dict[str, str]) -> Settings:
    """The API's settings, logging in to the broker as cloud.api."""
    return Settings(
        database_url=database_url,
        mqtt_url=broker.url,
        mqtt_username="cloud.api",
        mqtt_password=SecretStr(logins["cloud.api"]),
        dashboard_dir=tmp_path / "no-dashboard",
        auth_secret=SecretStr(TEST_AUTH_SECRET),
    )


StartWorker = Callable[..., IngestWorker]


@pytest.fixture
def start_worker(broker: Broker, database_url: str, logins: dict[str, str]) -> Iterator[StartWorker]:
    """Start ingestion worker ``number`` with its own login; all are stopped after the test."""
    started: list[IngestWorker] = []

    def start(number: int = 1, **overrides: object) -> IngestWorker:
        login = f"cloud.ingest.{number}"
        settings = Settings(
            mqtt_url=broker.url,
            mqtt_username=login,
            mqtt_password=SecretStr(logins[login]),
            ingest_worker_id=f"owner-test-{number}",
            ingest_owner_cache_s=OWNER_CACHE_S,
            **overrides,  # type: ignore[arg-type]
        )
        worker = IngestWorker(settings, database_url=database_url).start()
        started.append(worker)
        wait_until(worker.consumer.subscribed.is_set, what="worker subscribed")
        return worker

    yield start
    for worker in started:
        worker.stop(timeout=10)
        assert worker.error is None


@pytest.fixture
def gateways(broker: Broker, logins: dict[str, str]) -> Iterator[dict[str, MqttClient]]:
    """gw-a and gw-b, each connected with its own login."""
    clients = {gw: MqttClient(broker.port, gw, logins[gw]).connect() for gw in ("gw-a", "gw-b")}
    yield clients
    for c in clients.values():
        c.close()


@pytest.fixture
def db(database_url: str) -> Iterator[sa.Engine]:
    """An engine on the test database."""
    engine = sa.create_engine(database_url)
    yield engine
    engine.dispose()


def announce(client: MqttClient, gateway_id: str, *machines: MachineInfo) -> None:
    """Publish a gateway's status listing ``machines``."""
    status = GatewayStatus(gateway_id=gateway_id, online=True, ts=datetime.now(UTC), machines=list(machines))
    client.publish(gateway_topic(gateway_id, Kind.STATUS), encode(status))


def count(db: sa.Engine, table: str, machine_id: uuid.UUID) -> int:
    """Rows of ``table`` for one machine."""
    return int(scalar(db, f"SELECT count(*) FROM {table} WHERE machine_id = :m", m=machine_id))  # type: ignore[arg-type]


def foreign_letters(db: sa.Engine) -> list[str]:
    """Details of the dead letters refused for ownership."""
    with db.connect() as conn:
        rows = conn.execute(sa.text("SELECT detail FROM dead_letters WHERE reason = 'foreign_machine'"))
        return [r[0] for r in rows]


def test_a_gateway_cannot_write_readings_predictions_or_status_for_another_gateways_machine(
    start_worker: StartWorker, gateways: dict[str, MqttClient], db: sa.Engine, client: ApiClient
) -> None:
    start_worker()
    a, b = gateways["gw-a"], gateways["gw-b"]
    pump = MachineInfo(id=new_id(), name="B pump 1", type="pump", location="hall B")
    press = MachineInfo(id=new_id(), name="A press", type="press")
    announce(b, "gw-b", pump)
    b.publish(gateway_topic("gw-b", Kind.TELEMETRY), encode(telemetry("gw-b", readings(pump.id, 4))))
    wait_until(lambda: count(db, "sensor_data", pump.id) == 4, what="gw-b's own readings")

    mixed = readings(pump.id, 5, start_seq=100) + readings(press.id, 6, start_seq=200)
    a.publish(gateway_topic("gw-a", Kind.TELEMETRY), encode(telemetry("gw-a", mixed)))
    risky = predictions("gw-a", pump.id, 3)
    a.publish(gateway_topic("gw-a", Kind.PREDICTIONS), encode(risky))
    announce(a, "gw-a", press, MachineInfo(id=pump.id, name="moved to A", type="decoy"))
    wait_until(lambda: len(foreign_letters(db)) == 3, what="three refused messages")

    assert count(db, "sensor_data", pump.id) == 4, "gw-a's readings reached gw-b's machine"
    assert count(db, "sensor_data", press.id) == 6, "gw-a's own readings in the same message were lost"
    assert count(db, "predictions", pump.id) == 0
    with db.connect() as conn:
        owner, name = conn.execute(
            sa.text("SELECT gateway_id, name FROM machines WHERE id = :m"), {"m": pump.id}
        ).one()
    assert (owner, name) == ("gw-b", "B pump 1")
    expected = f"gateway gw-a may not write for machine {pump.id} owned by gw-b"
    assert all(detail.startswith(expected) for detail in foreign_letters(db)), foreign_letters(db)
    listed = {g["id"]: g for g in client.get("/api/gateways").json()}
    assert listed["gw-a"]["foreign_rows"] == 5 + 3 + 1
    assert listed["gw-b"]["foreign_rows"] == 0


def test_a_status_proposes_names_but_never_overwrites_an_engineers_edit(
    start_worker: StartWorker, gateways: dict[str, MqttClient], db: sa.Engine, client: ApiClient
) -> None:
    start_worker()
    b = gateways["gw-b"]
    announce(b, "gw-b")
    wait_until(lambda: client.get("/api/gateways/gw-b").status_code == 200, what="gw-b registered")
    created = client.post(
        "/api/machines", json={"name": "Main pump", "type": "centrifugal pump", "gateway_id": "gw-b"}
    ).json()
    machine_id = uuid.UUID(created["id"])
    assert created["pending"] is False and created["engineer_fields"] == ["name", "type"]

    announce(b, "gw-b", MachineInfo(id=machine_id, name="pump 1", type="pump", location="hall B"))
    wait_until(
        lambda: client.get(f"/api/machines/{machine_id}").json()["location"] == "hall B", what="location"
    )
    seen = client.get(f"/api/machines/{machine_id}").json()
    assert (seen["name"], seen["type"]) == ("Main pump", "centrifugal pump")

    assert client.patch(f"/api/machines/{machine_id}", json={"location": "bay 4"}).status_code == 200
    announce(b, "gw-b", MachineInfo(id=machine_id, name="pump 1", type="pump", location="hall B"))
    marker = MachineInfo(id=new_id(), name="marker", type="pump")
    announce(b, "gw-b", MachineInfo(id=machine_id, name="pump 1", type="pump", location="hall B"), marker)
    wait_until(lambda: client.get(f"/api/machines/{marker.id}").status_code == 200, what="later status")
    assert client.get(f"/api/machines/{machine_id}").json()["location"] == "bay 4"


def test_announced_machines_are_pending_until_an_engineer_approves_them(
    start_worker: StartWorker, gateways: dict[str, MqttClient], client: ApiClient
) -> None:
    start_worker()
    press = MachineInfo(id=new_id(), name="A press", type="press")
    announce(gateways["gw-a"], "gw-a", press)
    wait_until(lambda: client.get(f"/api/machines/{press.id}").status_code == 200, what="announced")
    assert [m["id"] for m in client.get("/api/machines?pending=true").json()] == [str(press.id)]
    assert client.get("/api/gateways/gw-a").json()["pending_machines"] == 1

    approved = client.post(f"/api/machines/{press.id}/approve")
    assert approved.status_code == 200 and approved.json()["pending"] is False
    assert client.get("/api/machines?pending=true").json() == []
    events = client.get(f"/api/machines/{press.id}/events").json()
    assert [(e["kind"], e["data"]) for e in events] == [("approved", {"gateway_id": "gw-a"})]


def test_with_auto_binding_an_announced_machine_needs_no_approval(
    start_worker: StartWorker, gateways: dict[str, MqttClient], client: ApiClient
) -> None:
    start_worker(ingest_machine_binding="auto")
    press = MachineInfo(id=new_id(), name="A press", type="press")
    announce(gateways["gw-a"], "gw-a", press)
    wait_until(lambda: client.get(f"/api/machines/{press.id}").status_code == 200, what="announced")
    assert client.get(f"/api/machines/{press.id}").json()["pending"] is False


def test_an_engineers_rehome_moves_who_may_write_within_the_cache_time(
    start_worker: StartWorker, gateways: dict[str, MqttClient], db: sa.Engine, client: ApiClient
) -> None:
    start_worker()
    a, b = gateways["gw-a"], gateways["gw-b"]
    pump = MachineInfo(id=new_id(), name="pump", type="pump")
    announce(a, "gw-a")
    announce(b, "gw-b", pump)
    b.publish(gateway_topic("gw-b", Kind.TELEMETRY), encode(telemetry("gw-b", readings(pump.id, 3))))
    wait_until(lambda: count(db, "sensor_data", pump.id) == 3, what="gw-b's readings")

    moved = client.put(f"/api/machines/{pump.id}/gateway", json={"gateway_id": "gw-a"})
    assert moved.status_code == 200 and moved.json()["gateway_id"] == "gw-a"
    # The new owner may write at once: the worker's cached binding (gw-b) disagrees, so it asks again.
    a.publish(
        gateway_topic("gw-a", Kind.TELEMETRY), encode(telemetry("gw-a", readings(pump.id, 2, start_seq=10)))
    )
    wait_until(lambda: count(db, "sensor_data", pump.id) == 5, what="gw-a's readings after the re-home")
    time.sleep(OWNER_CACHE_S * 2)  # past the documented bound for the old owner
    b.publish(
        gateway_topic("gw-b", Kind.TELEMETRY), encode(telemetry("gw-b", readings(pump.id, 2, start_seq=20)))
    )
    wait_until(lambda: len(foreign_letters(db)) == 1, what="gw-b refused after the re-home")
    assert count(db, "sensor_data", pump.id) == 5
    assert "owned by gw-a" in foreign_letters(db)[0]
    events = client.get(f"/api/machines/{pump.id}/events").json()
    assert [(e["kind"], e["data"]) for e in events] == [("rehomed", {"from": "gw-b", "to": "gw-a"})]
    assert client.put(f"/api/machines/{pump.id}/gateway", json={"gateway_id": "gw-zz"}).status_code == 422


def test_with_two_workers_a_refused_status_entry_is_dead_lettered_and_counted_once(
    start_worker: StartWorker, gateways: dict[str, MqttClient], db: sa.Engine, client: ApiClient
) -> None:
    start_worker(1)
    start_worker(2)  # every worker receives every status
    a, b = gateways["gw-a"], gateways["gw-b"]
    pump = MachineInfo(id=new_id(), name="B pump 1", type="pump")
    announce(b, "gw-b", pump)
    wait_until(lambda: client.get(f"/api/machines/{pump.id}").status_code == 200, what="gw-b's machine")
    announce(a, "gw-a", MachineInfo(id=pump.id, name="moved to A", type="decoy"))
    wait_until(lambda: len(foreign_letters(db)) >= 1, what="the refused entry")
    # Both workers have had the status once gw-a's next one is stored by both (every status reaches both).
    marker = MachineInfo(id=new_id(), name="A press", type="press")
    announce(a, "gw-a", marker)
    wait_until(lambda: client.get(f"/api/machines/{marker.id}").status_code == 200, what="gw-a's next status")
    time.sleep(1.0)  # let the slower worker's batch (0.2 s flush) commit too
    assert len(foreign_letters(db)) == 1
    assert client.get("/api/gateways/gw-a").json()["foreign_rows"] == 1
