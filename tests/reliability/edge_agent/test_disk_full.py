"""A gateway whose disk fills up keeps scoring and alerting, counts every record it cannot keep, and recovers.

A real agent process writes its outbox on a 16 MiB tmpfs (room for SQLite's 4 MB WAL) that the test fills
to the last byte; no broker is reachable, so every record made is either in the outbox or counted as dropped.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from edge_agent.agent import STORE_ERROR_LOG_S
from maintainx.services import Broker
from tests.integration.edge_agent.conftest import Watcher, wait_for
from tests.reliability.edge_agent.kit import Agent, machine_ids
from tests.reliability.edge_agent.mounts import fill, tmpfs
from tests.support.tiny_model import write_model_dir

pytestmark = pytest.mark.reliability

GATEWAY = "gw-it"  # the gateway the integration Watcher subscribes to
NO_BROKER = "mqtt://127.0.0.1:9"  # refused: the agent works offline, so nothing leaves the outbox
# How long the second test keeps the disk full once the agent noticed: ~30 ticks, ~15 publish rounds.
FULL_FOR_S = 3.0
WINDOW = 30  # at 10 Hz the first predictions come 3 s after start: after the disk is full


def _log(agent: Agent) -> list[dict[str, object]]:
    lines = agent.log.read_text(errors="replace").splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def _messages(agent: Agent, level: str, text: str) -> list[str]:
    return [str(e["msg"]) for e in _log(agent) if e["level"] == level and text in str(e["msg"])]


def test_a_full_disk_stops_neither_scoring_nor_local_alerts_and_every_lost_record_is_counted(
    tmp_path: Path,
) -> None:
    # Every prediction is over the threshold: each machine raises one local alert when it is first scored.
    model = write_model_dir(tmp_path / "model", window=WINDOW, failure_threshold=0.0)
    with tmpfs(tmp_path / "disk", size_kib=16 * 1024) as disk:
        agent = Agent(
            tmp_path / "agent",
            NO_BROKER,
            "gw-disk",
            machine_ids(1, 2),
            data_dir=str(disk / "data"),
            model_dir=str(model),
            sample_hz=10.0,
        )
        agent.data_dir = disk / "data"
        agent.start()
        try:
            wait_for(lambda: agent.outbox().get("seq.readings", 0) > 0, 60, "the first stored readings")
            ballast = fill(disk)
            filled_at = time.monotonic()
            wait_for(lambda: len(_messages(agent, "WARNING", "at risk")) == 2, 60, "both machines' alerts")
            wait_for(lambda: bool(_messages(agent, "ERROR", "cannot store")), 30, "the write error")
            full = agent.outbox()
            assert full.get("seq.predictions", 0) == 0  # scored and alerted, though nothing could be kept
            assert agent.running()
            ballast.unlink()  # space returns
            full_for = time.monotonic() - filled_at
            wait_for(lambda: agent.outbox().get("seq.predictions", 0) > 0, 60, "predictions stored again")
            wait_for(lambda: bool(_messages(agent, "WARNING", "writable again")), 30, "the recovery line")
            assert agent.terminate() == 0
        finally:
            if agent.running():
                agent.kill()
        final = agent.outbox()
    stopped = next(e for e in _log(agent) if "stopped after" in str(e["msg"]))
    for stream in ("readings", "predictions"):
        made = stopped[f"{stream}_made"]
        lost = final.get(f"disk.{stream}", 0)
        # Nothing was sent (no broker) and the outbox never reached its own limit: every record made is
        # either stored with a seq or counted as refused by the disk, exactly.
        assert final.get(f"dropped.{stream}", 0) == 0
        assert made == final[f"seq.{stream}"] + lost, stream
        assert lost > 0, stream
    assert final["depth"] == final["seq.readings"] + final["seq.predictions"] and final["intact"]
    # One error line per STORE_ERROR_LOG_S, not one a tick: the disk refused writes at 10 ticks a second.
    lines = len(_messages(agent, "ERROR", "cannot store"))
    assert final["disk.readings"] >= 20 and 1 <= lines <= 1 + full_for // STORE_ERROR_LOG_S


def test_a_full_disk_with_the_broker_up_keeps_the_link_alive_and_every_stored_record_arrives(
    broker: Broker, tmp_path: Path
) -> None:
    watcher = Watcher(broker.url)
    wait_for(watcher.client.is_connected, 10, "the watcher to connect")
    with tmpfs(tmp_path / "disk", size_kib=16 * 1024) as disk:
        agent = Agent(
            tmp_path / "agent",
            broker.url,
            GATEWAY,
            machine_ids(1, 2),
            data_dir=str(disk / "data"),
            sample_hz=10.0,
            # No cloud here: the broker's PUBACK deletes, which is the delete a full disk refuses.
            confirm_by="puback",
        )
        agent.data_dir = disk / "data"
        agent.start()
        try:
            wait_for(lambda: len(watcher.readings) >= 10, 60, "readings at the broker")
            # Hold the broker (our own process) so published records wait for their PUBACK, fill the disk,
            # then let the PUBACKs arrive: deleting the acknowledged rows now needs space that is not there.
            assert broker.proc is not None
            os.kill(broker.proc.pid, signal.SIGSTOP)
            try:
                time.sleep(1.0)  # a few publish rounds (every 0.2 s) go out and wait
                ballast = fill(disk)
            finally:
                os.kill(broker.proc.pid, signal.SIGCONT)
            wait_for(lambda: bool(_messages(agent, "ERROR", "cannot delete")), 30, "the failed delete")
            wait_for(lambda: bool(_messages(agent, "ERROR", "cannot store")), 30, "the write error")
            time.sleep(FULL_FOR_S)  # a fault that lasts: many ticks refused
            ballast.unlink()
            wait_for(lambda: bool(_messages(agent, "WARNING", "writable again")), 30, "the recovery line")
            before = agent.outbox().get("seq.readings", 0)
            wait_for(lambda: agent.outbox().get("seq.readings", 0) > before + 20, 30, "new readings stored")
            assert agent.terminate() == 0
        finally:
            if agent.running():
                agent.kill()
        final = agent.outbox()
    try:
        for stream, got in (("readings", watcher.readings), ("predictions", watcher.predictions)):
            wait_for(
                lambda got=got, stream=stream: len({r.seq for r in got}) >= final[f"seq.{stream}"],  # type: ignore[misc]
                30,
                f"every stored {stream} at the broker",
            )
            with watcher.lock:
                # Records the disk refused took no seq: every seq that was given arrived, none is missing.
                assert {r.seq for r in got} == set(range(final[f"seq.{stream}"])), stream
    finally:
        watcher.close()
    assert final["depth"] == 0 and final.get("disk.readings", 0) > 0
    log = agent.log.read_text(errors="replace")
    assert "Traceback" not in log and "Exception in thread" not in log  # the MQTT thread survived
