"""A rollout through the registry: the canary reaches only its targets, then the group, never the others.

Everything is real: PostgreSQL holds the registry, the registry's router serves the artifact (with Range),
Mosquitto carries the retained updates and the agents' reports, three agent processes run the models.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI

import cloud.registry.models  # noqa: F401  (the registry's tables)
from cloud.config import Settings
from cloud.db import make_engine, session_factory
from cloud.ingestion import IngestWorker
from cloud.registry import rollout, service
from cloud.registry.publisher import MqttUpdatePublisher
from cloud.registry.router import blobs_router
from cloud.registry.store import store_for
from maintainx.services import Broker, free_port
from tests.integration.cloud.ingestion.kit import make_settings
from tests.integration.rollout.kit import Agent, FleetWatcher, wait_for
from tests.support.tiny_model import write_model_dir
from tests.unit.edge_agent.signed_kit import WINDOW

pytestmark = pytest.mark.integration

START_S = 60.0
APPLY_S = 45.0
# How long the gateways outside a stage are watched to show they did not get the update.
QUIET_S = 3.0


@pytest.fixture
def artifact_api(tmp_path: Path) -> Iterator[str]:
    """The registry's blob router on a real HTTP server; yields its base URL."""
    app = FastAPI()
    app.state.settings = Settings(data_dir=tmp_path / "cloud")  # type: ignore[call-arg]
    app.include_router(blobs_router, prefix="/api")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for(lambda: server.started, 20, "the artifact API")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def test_a_canary_reaches_only_its_target_then_the_group_and_the_registry_records_it(
    tmp_path: Path,
    database_url: str,
    broker: Broker,
    artifact_api: str,
    agents: Callable[..., Agent],
    fleet: FleetWatcher,
    key: Ed25519PrivateKey,
) -> None:
    engine = make_engine(database_url)
    factory = session_factory(engine)
    with factory() as s, s.begin():
        folder = write_model_dir(tmp_path / "v2", version="v2", window=WINDOW)
        service.register(db_session=s, store=store_for(tmp_path / "cloud"), model_dir=folder)
        service.sign(db_session=s, ref="v2", key=key)
        for gw, group in (("gw-a", "line-a"), ("gw-b", "line-a"), ("gw-c", "line-b")):
            rollout.label(db_session=s, gateway_id=gw, key="group", value=group)
    # Reports reach the registry the one way they do in production: through an ingestion worker.
    consumer = IngestWorker(make_settings(broker, "rollout"), database_url=database_url).start()
    assert consumer.consumer.subscribed.wait(10)
    fleet_agents = {gw: agents(gw) for gw in ("gw-a", "gw-b", "gw-c")}
    for gw in fleet_agents:
        wait_for(lambda g=gw: fleet.count(g) > 5, START_S, f"{gw} scoring")
    try:
        with MqttUpdatePublisher.from_url(broker.url) as publisher, factory() as s, s.begin():
            r = rollout.start(
                db_session=s,
                publisher=publisher,
                ref="v2",
                base_url=artifact_api,
                target_key="group",
                target_value="line-a",
                stages=(0.5, 1.0),
            )
            rid = r.id
            canary = [t.gateway_id for t in rollout.targets(db_session=s, rollout_id=rid)]
        assert len(canary) == 1 and canary[0] in ("gw-a", "gw-b")
        other = "gw-b" if canary[0] == "gw-a" else "gw-a"
        wait_for(lambda: "active" in fleet.states(canary[0], "v2"), APPLY_S, "the canary running v2")

        def recorded(gw: str) -> bool:
            with factory() as s:
                return any(
                    t.gateway_id == gw and t.state == "active"
                    for t in rollout.targets(db_session=s, rollout_id=rid)
                )

        wait_for(lambda: recorded(canary[0]), APPLY_S, "the canary's report in the registry")
        time.sleep(QUIET_S)
        assert fleet.states(other) == [] and fleet.states("gw-c") == []
        with MqttUpdatePublisher.from_url(broker.url) as publisher, factory() as s, s.begin():
            rollout.advance(db_session=s, publisher=publisher, rollout_id=rid, base_url=artifact_api)
        wait_for(lambda: "active" in fleet.states(other, "v2"), APPLY_S, "the rest of line-a running v2")
        wait_for(lambda: recorded(other), APPLY_S, "the second report in the registry")
        seen = fleet.count(other)
        wait_for(lambda: fleet.count(other) > seen + 10, APPLY_S, "predictions after the swap")
        assert fleet.switched_to(other, "v2") and fleet.switched_to(canary[0], "v2")
        time.sleep(QUIET_S)
        assert fleet.states("gw-c") == [] and fleet.scored_with("gw-c", fleet.count("gw-c") - 5) == {"v1"}
    finally:
        consumer.stop()
        engine.dispose()


def test_an_operator_rollback_pins_the_gateway_back_to_the_older_champion(
    tmp_path: Path,
    database_url: str,
    broker: Broker,
    artifact_api: str,
    agents: Callable[..., Agent],
    fleet: FleetWatcher,
    key: Ed25519PrivateKey,
) -> None:
    engine = make_engine(database_url)
    factory = session_factory(engine)
    with factory() as s, s.begin():
        for version in ("v1", "v2"):  # serials 1 and 2
            folder = write_model_dir(tmp_path / version, version=version, window=WINDOW)
            service.register(db_session=s, store=store_for(tmp_path / "cloud"), model_dir=folder)
            service.sign(db_session=s, ref=version, key=key)
        service.set_alias(db_session=s, alias="champion", ref="v1")
        rollout.label(db_session=s, gateway_id="gw-r", key="tag", value="canary")
    agent = agents("gw-r")
    wait_for(lambda: fleet.count("gw-r") > 5, START_S, "gw-r scoring")
    try:
        with MqttUpdatePublisher.from_url(broker.url) as publisher, factory() as s, s.begin():
            rid = rollout.start(
                db_session=s,
                publisher=publisher,
                ref="v2",
                base_url=artifact_api,
                target_key="tag",
                target_value="canary",
                stages=(1.0,),
            ).id
        wait_for(lambda: "active" in fleet.states("gw-r", "v2"), APPLY_S, "v2 active")
        with MqttUpdatePublisher.from_url(broker.url) as publisher, factory() as s, s.begin():
            rollout.rollback(
                db_session=s, publisher=publisher, rollout_id=rid, to_ref="champion", base_url=artifact_api
            )
        # v1 has the lower serial: only the operator's pin gets it past the agent's rollback check.
        wait_for(lambda: "active" in fleet.states("gw-r", "v1"), APPLY_S, "v1 active again")
        seen = fleet.count("gw-r")
        wait_for(lambda: fleet.count("gw-r") > seen + 30, APPLY_S, "predictions after the rollback")
        assert fleet.recent("gw-r", 10) == {"v1"} and fleet.last("gw-r").serving == "v1"
        with factory() as s:
            assert rollout.get(db_session=s, rollout_id=rid).state == "rolled_back"
        assert agent.proc is not None and agent.proc.poll() is None
    finally:
        engine.dispose()
