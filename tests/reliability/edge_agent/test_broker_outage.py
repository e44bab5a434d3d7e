"""The broker killed with kill -9 for 30 s while 3 agents publish: every record reaches PostgreSQL once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from cloud.config import Settings
from cloud.ingestion.worker import run_ingest
from maintainx.services import Broker
from tests.integration.edge_agent.conftest import wait_for
from tests.reliability.edge_agent.kit import Agent, machine_ids

pytestmark = pytest.mark.reliability

OUTAGE_S = 30.0
GATEWAYS = ("gw-a", "gw-b", "gw-c")


def stored(engine: sa.Engine, table: str, gateway: str) -> tuple[int, int, int | None]:
    """(rows, distinct seqs, highest seq) one gateway has in ``table``."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.text(f"SELECT count(*), count(DISTINCT seq), max(seq) FROM {table} WHERE gateway_id = :g"),
            {"g": gateway},
        ).one()
    return int(row[0]), int(row[1]), row[2]


def test_broker_killed_for_30_s_while_three_agents_publish_loses_and_duplicates_nothing_in_the_database(
    broker: Broker, database_url: str, tmp_path: Path
) -> None:
    stop = threading.Event()
    settings = Settings(mqtt_url=broker.url, database_url=database_url, ingest_worker_id="outage-worker")
    ingest = threading.Thread(target=run_ingest, args=(settings, stop), name="ingest", daemon=True)
    ingest.start()
    agents = [
        Agent(tmp_path / gw, broker.url, gw, machine_ids(i + 1, 3), sample_hz=20.0).start()
        for i, gw in enumerate(GATEWAYS)
    ]
    engine = sa.create_engine(database_url)
    try:
        wait_for(lambda: all(stored(engine, "predictions", gw)[0] > 0 for gw in GATEWAYS), 60, "first rows")
        broker.kill()  # kill -9: no clean shutdown, the broker saves nothing more
        killed_at = {gw: a.outbox()["seq.readings"] for gw, a in zip(GATEWAYS, agents, strict=True)}
        time.sleep(OUTAGE_S)
        during = {gw: a.outbox() for gw, a in zip(GATEWAYS, agents, strict=True)}
        for gw in GATEWAYS:  # the agents kept sampling and scoring offline
            assert during[gw]["seq.readings"] >= killed_at[gw] + 0.8 * OUTAGE_S * 20 * 3
            assert during[gw]["depth"] > 0
        broker.start()  # same port, same persistence folder
        for agent in agents:
            wait_for(lambda a=agent: a.outbox()["depth"] < 200, 60, "each agent to catch up")
        for agent in agents:
            assert agent.terminate() == 0
        final = {gw: a.outbox() for gw, a in zip(GATEWAYS, agents, strict=True)}
        for gw in GATEWAYS:
            assert final[gw]["depth"] == 0 and final[gw].get("dropped.readings", 0) == 0
            for table, counter in (("sensor_data", "seq.readings"), ("predictions", "seq.predictions")):
                n = final[gw][counter]
                wait_for(lambda t=table, g=gw, n=n: stored(engine, t, g)[0] >= n, 60, f"{gw} {table}")
                # Exactly once: as many rows as records made, one per seq, 0 .. n-1 (the id is the key).
                assert stored(engine, table, gw) == (n, n, n - 1), f"{gw} {table}"
    finally:
        stop.set()
        ingest.join(30)
        engine.dispose()
        for agent in agents:
            if agent.running():
                agent.kill()
    assert not ingest.is_alive()
