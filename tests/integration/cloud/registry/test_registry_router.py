"""The registry routes on a real PostgreSQL: artifacts with Range, versions, rollouts, gateway state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import cloud.registry.models  # noqa: F401  (the registry's tables)
from cloud.config import Settings
from cloud.db import make_engine, session_factory
from cloud.registry import rollout, service, signing
from cloud.registry.reports import record_report
from cloud.registry.router import blobs_router, router, store_for
from contract.payloads import DeploymentReport, ModelUpdateCommand
from tests.support.tiny_model import write_model_dir

pytestmark = pytest.mark.integration


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, ModelUpdateCommand]] = []

    def publish_update(self, gateway_id: str, command: ModelUpdateCommand) -> None:
        self.sent.append((gateway_id, command))


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    engine = make_engine(database_url)
    app = FastAPI()
    app.state.settings = Settings(data_dir=tmp_path / "cloud")  # type: ignore[call-arg]
    app.state.session_factory = session_factory(engine)
    app.include_router(blobs_router, prefix="/api")
    app.include_router(router, prefix="/api")  # the app mounts it behind its token check
    with TestClient(app) as c:
        yield c
    engine.dispose()


def test_registry_routes_serve_artifacts_versions_rollouts_and_gateway_state(
    client: TestClient, tmp_path: Path
) -> None:
    signing.generate_key(tmp_path / "k.key", tmp_path / "k.pub")
    key = signing.load_private_key(tmp_path / "k.key")
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    with factory() as s, s.begin():
        folder = write_model_dir(tmp_path / "v2", version="v2", window=10)
        row = service.register(db_session=s, store=store_for(tmp_path / "cloud"), model_dir=folder)
        service.sign(db_session=s, ref="v2", key=key)
        service.set_alias(db_session=s, alias="challenger", ref="v2")
        rollout.label(db_session=s, gateway_id="gw-1", key="tag", value="canary")
        r = rollout.start(
            db_session=s,
            publisher=Recorder(),
            ref="v2",
            base_url="http://x",
            target_key="tag",
            target_value="canary",
            stages=(1.0,),
        )
        record_report(
            db_session=s,
            report=DeploymentReport(
                gateway_id="gw-1",
                rollout_id=r.id,
                version="v2",
                state="active",
                ts=datetime.now(UTC),
                serving="v2",
            ),
        )
        sha, rid = row.sha256, r.id
    data = (folder / "model.onnx").read_bytes()
    whole = client.get(f"/api/registry/blobs/{sha}")
    assert whole.status_code == 200 and whole.content == data
    part = client.get(f"/api/registry/blobs/{sha}", headers={"Range": "bytes=100-"})
    assert part.status_code == 206 and part.content == data[100:]
    assert client.get(f"/api/registry/blobs/{'0' * 64}").status_code == 404
    models = client.get("/api/registry/models").json()
    assert [(m["version"], m["signed"], m["aliases"]) for m in models] == [("v2", True, ["challenger"])]
    assert client.get("/api/registry/models/challenger").json()["serial"] == models[0]["serial"]
    assert client.get("/api/registry/models/nope").status_code == 404
    out = client.get(f"/api/registry/rollouts/{rid}").json()
    assert out["target"] == "tag=canary" and out["gateways"][0]["state"] == "active"
    deployments = client.get("/api/registry/gateways/gw-1/deployments").json()
    assert [(d["version"], d["state"], d["serving"]) for d in deployments] == [("v2", "active", "v2")]
