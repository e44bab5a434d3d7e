"""After an outage the backlog drains by priority at the configured rate, while live data flows at once."""

from __future__ import annotations

import re
import time
import urllib.request
from collections.abc import Callable

import pytest

from contract.topics import Kind
from maintainx.services import Broker, free_port

from .conftest import AgentProcess, Watcher, wait_for

pytestmark = pytest.mark.integration

RATE = 100.0  # backlog records per second


def scrape(port: int) -> dict[str, float]:
    """The agent's metrics as {'name{labels}': value}."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    return {m[1]: float(m[2]) for m in re.finditer(r"^(maintainx_agent_\S+) (\S+)$", text, re.M)}


def test_live_data_is_not_queued_behind_the_backlog_which_drains_predictions_first_at_the_rate_cap(
    broker: Broker, start_agent: Callable[..., AgentProcess], watchers: Callable[..., Watcher]
) -> None:
    watcher = watchers(broker.url, client_id="catchup-watcher")
    wait_for(watcher.client.is_connected, 10, "the watcher to connect")
    time.sleep(0.5)
    broker.stop()
    port = free_port()
    agent = start_agent(broker.url, machines=2, catchup_rate=RATE, metrics_port=port)
    wait_for(lambda: agent.counters().get("seq.predictions", 0) >= 250, 30, "a backlog built up offline")
    offline = scrape(port)
    assert offline["maintainx_agent_mqtt_connected"] == 0
    before = agent.counters()
    back = time.monotonic()
    broker.start()
    wait_for(lambda: "records of backlog" in agent.log_text(), 20, "the reconnect")
    backlog = int(re.findall(r"(\d+) records of backlog", agent.log_text())[-1])
    assert backlog >= before["seq.readings"] + before["seq.predictions"]
    left = 'maintainx_agent_outbox_backlog{stream="readings"}'
    wait_for(lambda: scrape(port)[left] == 0, 60, "the backlog to drain, as the metrics tell")
    online = scrape(port)
    assert online["maintainx_agent_mqtt_connected"] == 1
    assert online['maintainx_agent_records_total{stream="readings"}'] >= before["seq.readings"]
    assert agent.terminate() == 0
    with watcher.lock:
        arrivals = list(watcher.arrivals)
    # Backlog records: those stored before the reconnect (seqs below the counters read just before it).
    old_readings = [
        (i, t)
        for i, (k, seq, t) in enumerate(arrivals)
        if k is Kind.TELEMETRY and seq < before["seq.readings"]
    ]
    old_predictions = [
        (i, t)
        for i, (k, seq, t) in enumerate(arrivals)
        if k is Kind.PREDICTIONS and seq < before["seq.predictions"]
    ]
    live_readings = [
        (i, t)
        for i, (k, seq, t) in enumerate(arrivals)
        if k is Kind.TELEMETRY and seq >= before["seq.readings"] + 50
    ]
    assert len(old_readings) >= before["seq.readings"] and len(old_predictions) >= before["seq.predictions"]
    # Live data first: fresh readings arrived while old ones were still waiting. (Ordering, not a wall-clock
    # bound: on a shared 2-core machine a fixed number of seconds is noise, not a property.)
    assert live_readings[0][0] < old_readings[-1][0]
    # Priority: the whole prediction backlog arrived before the first old reading.
    assert old_predictions[-1][0] < old_readings[0][0]
    # The rate cap held: the backlog took at least its size over the rate (minus one burst of a second).
    took = old_readings[-1][1] - back
    assert took >= backlog / RATE - 1.5, f"{backlog} backlog records in {took:.1f}s at {RATE}/s"
