"""The registry's write routes through the real app: start, list, advance and roll back rollouts over a real
Mosquitto and PostgreSQL, promote a version, and who may do which."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from fastapi.testclient import TestClient
from paho.mqtt.enums import CallbackAPIVersion
from pydantic import SecretStr

from cloud.app import create_app
from cloud.config import Settings
from cloud.db import make_engine, session_factory
from cloud.registry import rollout, service, signing
from cloud.registry.store import store_for
from cloud.users.models import User, UserRole
from cloud.users.passwords import hash_password
from contract.codec import decode
from contract.payloads import ModelUpdateCommand
from contract.topics import Command, command_topic
from maintainx.services import Broker
from tests.support.tiny_model import write_model_dir

pytestmark = pytest.mark.integration

SECRET = "registry-router-test-key-0123456789abcdef"
PASSWORD = "registry router password"
# How long the probe waits for a retained message; the broker sends it at once on subscribe.
RETAINED_WAIT_S = 3.0


@pytest.fixture
def app_client(database_url: str, broker: Broker, tmp_path: Path) -> Iterator[TestClient]:
    """The real app, with v1 (champion) and v2 registered and signed, gw-1..gw-4 in group hall-a."""
    settings = Settings(
        database_url=database_url,
        mqtt_url=broker.url,
        data_dir=tmp_path / "cloud",
        dashboard_dir=tmp_path / "no-dashboard",
        auth_secret=SecretStr(SECRET),
    )
    signing.generate_key(tmp_path / "k.key", tmp_path / "k.pub")
    key = signing.load_private_key(tmp_path / "k.key")
    engine = make_engine(database_url)
    with session_factory(engine).begin() as s:
        for version in ("v1", "v2", "v3-unsigned"):
            folder = write_model_dir(tmp_path / version, version=version, window=10)
            service.register(db_session=s, store=store_for(settings.data_dir), model_dir=folder)
        for version in ("v1", "v2"):
            service.sign(db_session=s, ref=version, key=key)
        service.set_alias(db_session=s, alias="champion", ref="v1")
        for n in range(1, 5):
            rollout.label(db_session=s, gateway_id=f"gw-{n}", key="group", value="hall-a")
        for role in UserRole:
            s.add(
                User(
                    email=f"{role.value}@example.com",
                    full_name=role.value,
                    role=role,
                    password_hash=hash_password(PASSWORD),
                )
            )
    engine.dispose()
    with TestClient(create_app(settings)) as client:
        yield client


def headers(client: TestClient, role: UserRole) -> dict[str, str]:
    """A bearer header for the seeded user of ``role``."""
    response = client.post(
        "/api/auth/login", json={"email": f"{role.value}@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def retained_update(broker: Broker, gateway_id: str) -> ModelUpdateCommand | None:
    """The model update the broker keeps for ``gateway_id``, if any."""
    got: list[bytes] = []
    done = threading.Event()
    probe = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"probe-{uuid.uuid4().hex[:8]}")

    def on_message(_client: mqtt.Client, _userdata: object, msg: mqtt.MQTTMessage) -> None:
        got.append(bytes(msg.payload))
        done.set()

    probe.on_message = on_message
    probe.connect("127.0.0.1", broker.port)
    probe.subscribe(command_topic(gateway_id, Command.MODEL_UPDATE), qos=1)
    probe.loop_start()
    done.wait(RETAINED_WAIT_S)
    probe.loop_stop()
    probe.disconnect()
    return decode(got[0], ModelUpdateCommand) if got else None


def test_an_engineer_starts_advances_and_rolls_back_a_rollout_and_gateways_get_the_updates(
    app_client: TestClient, broker: Broker
) -> None:
    eng = headers(app_client, UserRole.ENGINEER)
    body = {"ref": "v2", "target": {"key": "group", "value": "hall-a"}, "stages": [0.5, 1.0]}
    started = app_client.post("/api/registry/rollouts", json=body, headers=eng)
    assert started.status_code == 201, started.text
    out = started.json()
    assert (out["version"], out["target"], out["stage"], out["state"]) == ("v2", "group=hall-a", 0, "active")
    canary = [g["gateway_id"] for g in out["gateways"]]
    assert len(canary) == 2
    update = retained_update(broker, canary[0])
    assert update is not None and update.version == "v2" and str(update.rollout_id) == out["id"]
    assert update.url.endswith(
        f"/api/registry/blobs/{app_client.get('/api/registry/models/v2', headers=eng).json()['sha256']}"
    )

    page = app_client.get("/api/registry/rollouts", params={"limit": 5}, headers=eng).json()
    assert page["total"] == 1 and (page["limit"], page["offset"]) == (5, 0)
    assert page["items"][0]["id"] == out["id"] and page["items"][0]["counts"] == {"notified": 2}

    gated = app_client.post(f"/api/registry/rollouts/{out['id']}/advance", json={}, headers=eng)
    assert gated.status_code == 409 and gated.headers["content-type"].startswith("application/problem+json")
    assert (
        "gate not met" in gated.json()["detail"] and "0 of 2 gateways report active" in gated.json()["detail"]
    )

    forced = app_client.post(f"/api/registry/rollouts/{out['id']}/advance", json={"force": True}, headers=eng)
    assert forced.status_code == 200, forced.text
    assert forced.json()["stage"] == 1 and len(forced.json()["gateways"]) == 4

    same = app_client.post(f"/api/registry/rollouts/{out['id']}/rollback", json={"to": "v2"}, headers=eng)
    assert same.status_code == 409 and "name another" in same.json()["detail"]
    back = app_client.post(f"/api/registry/rollouts/{out['id']}/rollback", headers=eng)
    assert back.status_code == 200 and back.json()["state"] == "rolled_back"
    pinned = retained_update(broker, "gw-4")
    assert pinned is not None and (pinned.version, pinned.pinned) == ("v1", True)
    again = app_client.post(f"/api/registry/rollouts/{out['id']}/rollback", headers=eng)
    assert again.status_code == 409 and "already rolled back" in again.json()["detail"]
    closed = app_client.post(f"/api/registry/rollouts/{out['id']}/advance", headers=eng)
    assert closed.status_code == 409 and "not active" in closed.json()["detail"]


def test_invalid_rollouts_are_refused_with_the_reason(app_client: TestClient) -> None:
    admin = headers(app_client, UserRole.ADMIN)
    unsigned = {"ref": "v3-unsigned", "target": {"key": "all"}}
    refused = app_client.post("/api/registry/rollouts", json=unsigned, headers=admin)
    assert refused.status_code == 409 and "not signed" in refused.json()["detail"]
    nobody = {"ref": "v2", "target": {"key": "tag", "value": "no-such-tag"}}
    empty = app_client.post("/api/registry/rollouts", json=nobody, headers=admin)
    assert empty.status_code == 409 and "no gateway has tag=no-such-tag" in empty.json()["detail"]
    falling = {"ref": "v2", "target": {"key": "all"}, "stages": [0.5, 0.2]}
    assert app_client.post("/api/registry/rollouts", json=falling, headers=admin).status_code == 409
    valueless = {"ref": "v2", "target": {"key": "group"}}
    assert app_client.post("/api/registry/rollouts", json=valueless, headers=admin).status_code == 422
    missing = {"ref": "nope", "target": {"key": "all"}}
    assert app_client.post("/api/registry/rollouts", json=missing, headers=admin).status_code == 404
    assert app_client.post(f"/api/registry/rollouts/{uuid.uuid4()}/advance", headers=admin).status_code == 404
    assert app_client.get("/api/registry/rollouts", headers=admin).json()["total"] == 0


def test_a_technician_reads_the_registry_but_every_write_is_forbidden(app_client: TestClient) -> None:
    tech = headers(app_client, UserRole.TECHNICIAN)
    assert app_client.get("/api/registry/models", headers=tech).status_code == 200
    assert app_client.get("/api/registry/rollouts", headers=tech).status_code == 200
    eng = headers(app_client, UserRole.ENGINEER)
    rid = app_client.post(
        "/api/registry/rollouts", json={"ref": "v2", "target": {"key": "all"}}, headers=eng
    ).json()["id"]
    writes = [
        ("PUT", "/api/registry/aliases/champion", {"version": "v2"}),
        ("POST", "/api/registry/rollouts", {"ref": "v2", "target": {"key": "all"}}),
        ("POST", f"/api/registry/rollouts/{rid}/advance", {"force": True}),
        ("POST", f"/api/registry/rollouts/{rid}/rollback", {}),
    ]
    for method, path, body in writes:
        response = app_client.request(method, path, json=body, headers=tech)
        assert response.status_code == 403, (path, response.text)
        assert app_client.request(method, path, json=body).status_code == 401
    assert app_client.get(f"/api/registry/rollouts/{rid}", headers=tech).json()["state"] == "active"
    promoted = app_client.put("/api/registry/aliases/champion", json={"version": "v2"}, headers=eng)
    assert promoted.status_code == 200 and promoted.json()["aliases"] == ["champion"]
    models = {m["version"]: m["aliases"] for m in app_client.get("/api/registry/models", headers=tech).json()}
    assert models == {"v1": [], "v2": ["champion"], "v3-unsigned": []}
