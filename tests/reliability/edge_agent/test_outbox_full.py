"""A full outbox drops what its policy says (oldest readings first, predictions kept), and says so exactly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from maintainx.services import Broker
from tests.integration.edge_agent.conftest import Watcher, wait_for
from tests.reliability.edge_agent.kit import Agent, machine_ids

pytestmark = pytest.mark.reliability

GATEWAY = "gw-it"  # the gateway the integration Watcher subscribes to
CAPACITY = 200


def test_outbox_full_with_the_broker_down_drops_oldest_readings_and_the_status_counts_what_is_missing(
    broker: Broker, tmp_path: Path
) -> None:
    watcher = Watcher(broker.url, client_id="full-watcher")  # persistent: its session outlives the outage
    wait_for(watcher.client.is_connected, 10, "the watcher to connect")
    time.sleep(0.5)  # its subscription is registered before the broker goes away
    broker.stop()
    # 2 machines at 20 Hz: 40 readings and, once windows fill, 40 predictions a second.
    agent = Agent(
        tmp_path / "agent",
        broker.url,
        GATEWAY,
        machine_ids(1, 2),
        sample_hz=20.0,
        outbox_max_records=CAPACITY,
        confirm_by="puback",  # no cloud here, only a broker and a watcher
    ).start()
    try:
        wait_for(lambda: agent.outbox().get("dropped.readings", 0) >= 100, 30, "the outbox to overflow")
        offline = agent.outbox()
        assert offline["depth"] == CAPACITY
        assert offline.get("dropped.predictions", 0) == 0  # readings go first
        broker.start()
        wait_for(
            lambda: agent.outbox().get("depth", 10**9) < 60,
            30,
            "the outbox to drain after the broker came back",
        )
        assert agent.terminate() == 0
        final = agent.outbox()
        late = Watcher(broker.url)
        wait_for(lambda: bool(late.statuses), 10, "the retained final status")
        status = late.statuses[-1]
        late.close()
        wait_for(
            lambda: (
                len({r.seq for r in watcher.readings}) >= final["seq.readings"] - final["dropped.readings"]
            ),
            20,
            "every kept reading",
        )
        wait_for(
            lambda: (
                len({p.seq for p in watcher.predictions})
                >= final["seq.predictions"] - final.get("dropped.predictions", 0)
            ),
            20,
            "every kept prediction",
        )
        with watcher.lock:
            got_readings = {r.seq for r in watcher.readings}
            got_predictions = {p.seq for p in watcher.predictions}
    finally:
        watcher.close()
        if agent.running():
            agent.kill()
    assert not status.online and final["depth"] == 0
    # Exactly the dropped records are missing, and they are the oldest of their stream. (Predictions are
    # dropped too if the outage outlasts the readings: above, none was while readings were left to drop.)
    for stream, got in (("readings", got_readings), ("predictions", got_predictions)):
        missing = set(range(final[f"seq.{stream}"])) - got
        assert status.dropped[stream] == final.get(f"dropped.{stream}", 0) == len(missing), stream
        assert missing == set(range(len(missing))), f"{stream}: not the oldest ones"
    assert status.dropped["readings"] >= 100
