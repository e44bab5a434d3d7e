"""The real agent process against a real Mosquitto: what it publishes, how it stops, how it rides outages."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from contract import MaintenanceCommand, Prediction, Reading, encode
from contract.topics import Command, command_topic
from maintainx.services import Broker

from .conftest import GATEWAY, MACHINE_IDS, AgentProcess, Watcher, wait_for

pytestmark = pytest.mark.integration


def assert_complete(records: list[Reading] | list[Prediction], upto: int) -> None:
    """Every seq 0..upto-1 arrived, and each seq always carried the same id (duplicates allowed)."""
    by_seq: dict[int, uuid.UUID] = {}
    for r in records:
        assert by_seq.setdefault(r.seq, r.id) == r.id, f"seq {r.seq} arrived with two different ids"
    assert sorted(by_seq) == list(range(upto))
    assert len(set(by_seq.values())) == upto  # ids unique across seqs


def test_agent_publishes_contract_batches_and_retained_status_then_goes_offline_on_sigterm(
    broker: Broker, start_agent: Callable[..., AgentProcess], watchers: Callable[..., Watcher]
) -> None:
    watcher = watchers(broker.url)
    agent = start_agent(broker.url, machines=3)
    wait_for(lambda: len(watcher.predictions) >= 60, 20, "60 predictions")
    with watcher.lock:
        seqs = [r.seq for r in watcher.readings]
        pseqs = [p.seq for p in watcher.predictions]
    # In order as published by one session, without gaps, starting at 0.
    assert seqs == list(range(len(seqs)))
    assert pseqs == list(range(len(pseqs)))
    assert {r.machine_id for r in watcher.readings} == set(MACHINE_IDS[:3])
    p = watcher.predictions[-1]
    assert p.model_version == "tiny-1" and p.features is not None and len(p.features) == 20

    late = watchers(broker.url)  # a newcomer gets the retained status at once
    wait_for(lambda: bool(late.statuses), 5, "the retained status")
    status = late.statuses[0]
    assert status.online and status.gateway_id == GATEWAY and status.model_version == "tiny-1"
    assert [m.id for m in status.machines] == MACHINE_IDS[:3]
    assert [m.location for m in status.machines] == ["hall 0", "hall 1", "hall 0"]
    wait_for(lambda: len(watcher.statuses) >= 3, 5, "heartbeat status re-published every heartbeat_s")

    assert agent.terminate() == 0
    final = agent.counters()
    assert final["depth"] == 0  # the graceful stop flushed everything
    wait_for(lambda: len(watcher.readings) >= final["seq.readings"], 5, "the flushed readings")
    assert_complete(watcher.readings, final["seq.readings"])
    assert_complete(watcher.predictions, final["seq.predictions"])
    after = watchers(broker.url)
    wait_for(lambda: bool(after.statuses), 5, "the retained status after stop")
    assert after.statuses[0].online is False
    assert '"msg": "SIGTERM received: stopping"' in agent.log_text()


def test_agent_keeps_sampling_through_a_broker_outage_and_delivers_everything_after(
    broker: Broker, start_agent: Callable[..., AgentProcess], watchers: Callable[..., Watcher]
) -> None:
    watcher = watchers(broker.url, client_id="outage-watcher")
    agent = start_agent(broker.url, machines=2)
    wait_for(lambda: len(watcher.predictions) >= 10, 20, "first predictions")
    broker.stop()
    before = agent.counters()["seq.readings"]
    time.sleep(3.0)
    during = agent.counters()
    assert during["seq.readings"] >= before + 2 * 50 * 2  # ~50 Hz x 2 machines kept being sampled
    assert during["depth"] > 100  # ... into the outbox
    broker.start()
    wait_for(lambda: agent.counters()["depth"] < 50, 30, "the outbox to drain after the broker came back")
    assert agent.terminate() == 0
    final = agent.counters()
    wait_for(lambda: len({r.seq for r in watcher.readings}) >= final["seq.readings"], 15, "all readings")
    wait_for(lambda: len({p.seq for p in watcher.predictions}) >= final["seq.predictions"], 15, "predictions")
    assert_complete(watcher.readings, final["seq.readings"])
    assert_complete(watcher.predictions, final["seq.predictions"])
    assert final.get("dropped.readings", 0) == 0


def test_maintenance_command_repairs_the_simulated_machine(
    broker: Broker, start_agent: Callable[..., AgentProcess], watchers: Callable[..., Watcher]
) -> None:
    watcher = watchers(broker.url)
    # Machine 0 breaks down after one simulated minute (the first sample); machine 1 stays healthy.
    extra = {0: 'failure = "bearing_wear"\nfailure_duration_s = 60.0'}
    agent = start_agent(broker.url, machines=2, sample_hz=20.0, machine_extra=extra)
    broken = MACHINE_IDS[0]

    def vibrations() -> list[float]:
        with watcher.lock:
            return [r.vibration for r in watcher.readings if r.machine_id == broken]

    wait_for(lambda: len(vibrations()) >= 20, 20, "readings of the broken machine")
    assert max(vibrations()[5:]) < 0.2  # tripped: only sensor noise
    command = MaintenanceCommand(machine_id=broken, ticket_id=uuid.uuid4(), ts=datetime.now(UTC))
    watcher.client.publish(
        command_topic(GATEWAY, Command.MAINTENANCE), encode(command), qos=1
    ).wait_for_publish(5)
    seen = len(vibrations())
    wait_for(lambda: len(vibrations()) >= seen + 40, 20, "readings after the repair")
    assert min(vibrations()[-10:]) > 0.5  # running again
    assert f"maintenance applied to machine {broken}" in agent.log_text()
    # A bad command is refused with a reason, and the agent carries on.
    watcher.client.publish(command_topic(GATEWAY, Command.MAINTENANCE), b"{not json", qos=1).wait_for_publish(
        5
    )
    wait_for(lambda: "command on" in agent.log_text() and "refused" in agent.log_text(), 10, "the refusal")
    assert agent.proc.poll() is None
    assert agent.terminate() == 0


def test_agent_killed_with_sigkill_resumes_seq_and_resends_unacked_rows_after_restart(
    broker: Broker, start_agent: Callable[..., AgentProcess], watchers: Callable[..., Watcher]
) -> None:
    watcher = watchers(broker.url)
    agent = start_agent(broker.url, machines=2)
    wait_for(lambda: len(watcher.predictions) >= 10, 20, "first predictions")
    agent.proc.kill()  # SIGKILL: no flush, no offline status from the agent itself
    agent.proc.wait()
    killed_at = agent.counters()["seq.readings"]
    late = watchers(broker.url)
    wait_for(lambda: bool(late.statuses) and not late.statuses[-1].online, 5, "the last will (offline)")

    restarted = start_agent(broker.url, machines=2)
    wait_for(lambda: len({r.seq for r in watcher.readings}) > killed_at + 50, 20, "readings after restart")
    assert restarted.terminate() == 0
    final = restarted.counters()
    assert final["depth"] == 0
    wait_for(lambda: len({r.seq for r in watcher.readings}) >= final["seq.readings"], 10, "every reading")
    assert_complete(watcher.readings, final["seq.readings"])
    assert_complete(watcher.predictions, final["seq.predictions"])
