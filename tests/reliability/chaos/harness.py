"""The chaos run: real agents, workers, Mosquitto and PostgreSQL under load, killed at seeded moments.

Used by the bounded test (``test_chaos.py``) and the long form (``python -m bench.chaos``). A run starts a
private broker, ``WORKERS`` ``python -m cloud ingest`` processes on the shared subscription and ``AGENTS``
``python -m edge_agent`` processes, on a private embedded PostgreSQL that the caller owns; then, at times
drawn from the seed, it kills the broker (-9; restarted with its persistence file, and without it), a
worker (-9), PostgreSQL (an immediate stop: no checkpoint, crash recovery on start) and an agent (-9), each
back after a seeded outage. Then it waits for the agents to catch up, stops them, and checks every record
they made against the database: stored once, or still in the agent's outbox, or dropped by the outbox's
counted policy. Every process it kills is one it started, by its own handle.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from maintainx.services import Broker
from tests.reliability.cloud.kit import Worker
from tests.reliability.edge_agent.kit import Agent, machine_ids

AGENTS = 3
WORKERS = 2
MACHINES_PER_AGENT = 2
SAMPLE_HZ = 20.0
# Short, so what a restarted broker forgot is resent within the run (the default is 30 s).
ACK_TIMEOUT_S = 1.0
# Every kind happens once per run, in a seeded order at seeded moments.
EVENTS = ("broker_keep", "broker_wipe", "worker", "postgres", "agent")
STREAMS = {"readings": "sensor_data", "predictions": "predictions"}
CATCH_UP_TIMEOUT_S = 180.0


@dataclass
class StreamCount:
    """One agent's stream, compared with the database."""

    made: int = 0
    stored: int = 0
    duplicated: int = 0
    in_outbox: int = 0
    dropped: int = 0
    lost: int = 0


@dataclass
class ChaosResult:
    """What one seeded run did and found."""

    seed: int
    events: list[str] = field(default_factory=list)
    streams: dict[str, StreamCount] = field(default_factory=dict)
    catch_up_s: float = 0.0
    # False when the agents' records were still not all stored after the catch-up timeout.
    caught_up: bool = False

    def total(self, name: str) -> int:
        """The sum of one counter over every agent and stream."""
        return sum(getattr(c, name) for c in self.streams.values())


class PostgresControl:
    """Stop (immediately, as a crash would) and start the run's embedded PostgreSQL."""

    def __init__(self, folder: Path) -> None:
        import pgserver

        self.server = pgserver.get_server(folder)

    def crash(self) -> None:
        """``pg_ctl stop -m immediate``: no shutdown checkpoint; the next start runs crash recovery."""
        # pgserver's own wrapper runs pg_ctl as the server's user; it is made at import time.
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

        pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=self.server.pgdata, user=self.server.system_user)

    def start(self) -> None:
        """Start the server again on the same data folder."""
        self.server.ensure_postgres_running()


def run_chaos(
    seed: int,
    seconds: float,
    folder: Path,
    database_url: str,
    postgres: PostgresControl,
    *,
    catch_up_timeout_s: float = CATCH_UP_TIMEOUT_S,
    **agent_settings: object,
) -> ChaosResult:
    """One seeded run of ``seconds`` of load with every kind of kill on a migrated database.

    ``agent_settings`` go to every agent's configuration (e.g. ``confirm_by="puback"`` to measure the
    behaviour before commit acknowledgements).
    """
    rng = random.Random(seed)
    result = ChaosResult(seed)
    broker = Broker(folder / "broker").start()
    workers = [
        Worker(broker, database_url, f"chaos-{seed}-{i}", folder / f"worker{i}.log") for i in range(WORKERS)
    ]
    gateways = [f"gw-chaos-{seed}-{i}" for i in range(AGENTS)]
    agents = [
        Agent(
            folder / gateway,
            broker.url,
            gateway,
            machine_ids(seed * 10 + i, MACHINES_PER_AGENT),
            sample_hz=SAMPLE_HZ,
            **{"ack_timeout_s": ACK_TIMEOUT_S, **agent_settings},
        ).start()
        for i, gateway in enumerate(gateways)
    ]
    db = sa.create_engine(database_url, pool_pre_ping=True)
    try:
        schedule = sorted((rng.uniform(0.1, 0.85) * seconds, kind) for kind in EVENTS)
        started = time.monotonic()
        for at, kind in schedule:
            _sleep_until(started + at)
            result.events.append(_strike(kind, rng, broker, workers, agents, postgres))
        _sleep_until(started + seconds)
        for w in workers:  # a worker may have exited on its own: that would be a finding, not a restart
            assert w.running(), f"ingestion worker exited: see {w.log}"
        began = time.monotonic()
        targets = [a.outbox() for a in agents]
        result.caught_up = _wait(
            lambda: all(_caught_up(db, g, a, t) for g, a, t in zip(gateways, agents, targets, strict=True)),
            catch_up_timeout_s,
        )
        result.catch_up_s = round(time.monotonic() - began, 1)
        for agent in agents:
            agent.terminate()
        for gateway, agent in zip(gateways, agents, strict=True):
            for stream, count in _compare(db, gateway, agent).items():
                result.streams[f"{gateway}.{stream}"] = count
    finally:
        for agent in agents:
            if agent.running():
                agent.kill()
        for w in workers:
            w.kill()
        broker.stop()
        db.dispose()
    return result


def _strike(
    kind: str,
    rng: random.Random,
    broker: Broker,
    workers: list[Worker],
    agents: list[Agent],
    pg: PostgresControl,
) -> str:
    """Kill one part, leave it down for a seeded moment, bring it back; return what was done."""
    outage = round(rng.uniform(0.5, 3.0), 2)
    if kind.startswith("broker"):
        broker.kill()
        if kind == "broker_wipe":
            (broker.data_dir / "mosquitto.db").unlink(missing_ok=True)
        time.sleep(outage)
        broker.start()
        return f"{kind} {outage}s"
    if kind == "worker":
        victim = rng.randrange(len(workers))
        workers[victim].kill()
        time.sleep(outage)
        workers[victim].start()
        return f"worker{victim} {outage}s"
    if kind == "postgres":
        pg.crash()
        time.sleep(outage)
        pg.start()
        return f"postgres {outage}s"
    victim = rng.randrange(len(agents))
    agents[victim].kill()
    time.sleep(outage)
    agents[victim].start()
    return f"agent{victim} {outage}s"


def _caught_up(db: sa.Engine, gateway: str, agent: Agent, target: dict[str, int]) -> bool:
    """Whether every record the agent had made at ``target`` is stored, or was dropped by its policy."""
    for stream, table in STREAMS.items():
        made = target.get(f"seq.{stream}", 0)
        with db.connect() as conn:
            stored = conn.execute(
                sa.text(f"SELECT count(DISTINCT seq) FROM {table} WHERE gateway_id = :g AND seq < :n"),
                {"g": gateway, "n": made},
            ).scalar_one()
        if stored + agent.outbox().get(f"dropped.{stream}", 0) < made:
            return False
    return True


def _compare(db: sa.Engine, gateway: str, agent: Agent) -> dict[str, StreamCount]:
    """Every seq the stopped agent made, against the database and what its outbox still holds."""
    counters = agent.outbox()
    with sqlite3.connect(f"file:{agent.data_dir / 'outbox.sqlite3'}?mode=ro", uri=True) as box:
        kept = {
            stream: {r[0] for r in box.execute("SELECT seq FROM records WHERE stream = ?", (stream,))}
            for stream in STREAMS
        }
    out = {}
    for stream, table in STREAMS.items():
        with db.connect() as conn:
            query = sa.text(f"SELECT seq FROM {table} WHERE gateway_id = :g")
            seqs = [r[0] for r in conn.execute(query, {"g": gateway})]
        made = counters.get(f"seq.{stream}", 0)
        stored = set(seqs)
        missing = set(range(made)) - stored - kept[stream]
        out[stream] = StreamCount(
            made=made,
            stored=len(stored),
            duplicated=len(seqs) - len(stored),
            in_outbox=len(kept[stream] - stored),
            dropped=counters.get(f"dropped.{stream}", 0),
            lost=len(missing),
        )
    return out


def _sleep_until(when: float) -> None:
    time.sleep(max(0.0, when - time.monotonic()))


def _wait(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return False
