"""An agent killed with kill -9 at 20 random moments loses nothing and invents nothing (real Mosquitto)."""

from __future__ import annotations

import random
import time
import uuid
from pathlib import Path

import pytest

from contract import Prediction, Reading
from maintainx.services import Broker
from tests.integration.edge_agent.conftest import Watcher, wait_for
from tests.reliability.edge_agent.kit import Agent, machine_ids

pytestmark = pytest.mark.reliability

GATEWAY = "gw-it"  # the gateway the integration Watcher subscribes to
KILLS = 20
SEED = 20261126


def delivered(records: list[Reading] | list[Prediction]) -> tuple[dict[int, set[uuid.UUID]], int]:
    """Ids seen per seq, and how many deliveries were duplicates of an id already seen."""
    by_seq: dict[int, set[uuid.UUID]] = {}
    seen: set[uuid.UUID] = set()
    duplicates = 0
    for r in records:
        duplicates += r.id in seen
        seen.add(r.id)
        by_seq.setdefault(r.seq, set()).add(r.id)
    return by_seq, duplicates


def test_kill_9_at_random_moments_keeps_the_outbox_intact_and_delivers_every_record_once_by_id(
    broker: Broker, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    # A persistent QoS 1 subscriber: what it misses while connected would be a real loss.
    watcher = Watcher(broker.url, client_id="kill-watcher")
    # Only a broker and a watcher, no cloud: the broker's PUBACK releases records (see tests/reliability/chaos
    # for the same kills under the cloud's commit acknowledgement).
    agent = Agent(tmp_path / "agent", broker.url, GATEWAY, machine_ids(1, 2), confirm_by="puback")
    try:
        previous: dict[str, int] = {}
        for _ in range(KILLS):
            agent.start()
            # Anywhere from mid-import to well into publishing: start-up, sampling, publishing, acking.
            time.sleep(rng.uniform(0.2, 2.5))
            agent.kill()
            box = agent.outbox()
            if not box:
                continue  # killed before it opened its outbox
            assert box["intact"], "outbox failed SQLite's integrity check after kill -9"
            for name in ("seq.readings", "seq.predictions"):
                assert box.get(name, 0) >= previous.get(name, 0), f"{name} went backwards"
            previous = box
        agent.start()
        before = agent.outbox().get("seq.readings", 0)
        wait_for(lambda: agent.outbox().get("seq.readings", 0) > before + 100, 30, "the last start to sample")
        # Live data keeps coming, so the outbox is never quite empty while running: wait for the backlog.
        wait_for(lambda: agent.outbox().get("depth", 10**9) < 50, 60, "the restarted agent to catch up")
        assert agent.terminate() == 0  # the graceful stop flushes the rest
        final = agent.outbox()
        assert final["intact"] and final["depth"] == 0
        for stream, name in ((watcher.readings, "seq.readings"), (watcher.predictions, "seq.predictions")):
            wait_for(lambda s=stream, n=name: len({r.seq for r in s}) >= final[n], 20, f"every {name}")
        with watcher.lock:
            readings, predictions = list(watcher.readings), list(watcher.predictions)
    finally:
        watcher.close()
        if agent.running():
            agent.kill()
    for records, name in ((readings, "seq.readings"), (predictions, "seq.predictions")):
        by_seq, duplicates = delivered(records)
        assert sorted(by_seq) == list(range(final[name])), f"{name}: gaps or extra seqs"
        assert all(len(ids) == 1 for ids in by_seq.values()), f"{name}: a seq arrived with two ids"
        # De-duplicated by id, exactly the records produced; the duplicates are QoS 1 re-sends.
        assert len({r.id for r in records}) == final[name]
        print(f"{name}: {final[name]} records, {duplicates} duplicate deliveries after {KILLS} kills")
    assert final["seq.readings"] > 500  # the agent really worked between the kills
