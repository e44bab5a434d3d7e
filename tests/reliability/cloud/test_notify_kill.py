"""A ``kill -9`` of ``python -m cloud notify`` mid-run loses no notification and repeats at most the ones in
flight: every delivery commits with its attempt, so a killed try is simply tried again after a restart
(at-least-once; receivers de-duplicate on ``event_id``)."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.db import make_engine
from cloud.machines.models import Machine
from cloud.notifications.models import (
    ChannelKind,
    NotificationChannel,
    NotificationDelivery,
    NotificationRule,
)
from cloud.tickets.models import MaintenanceTicket, TicketEvent, TicketPriority
from contract.payloads import new_id
from tests.integration.cloud.notifications.receivers import HttpReceiver

pytestmark = pytest.mark.reliability

REPO = Path(__file__).resolve().parents[3]
TICKETS = 15
WORKERS = 2  # parallel deliveries in the worker: at most this many are in flight at the kill


@pytest.fixture
def slow_receiver() -> Iterator[HttpReceiver]:
    server = HttpReceiver()
    server.state.delay_s = 0.03
    server.start()
    yield server
    server.stop()


def _seed(database_url: str, url: str) -> None:
    engine = make_engine(database_url)
    with Session(engine) as s, s.begin():
        channel = NotificationChannel(name="cmms", kind=ChannelKind.WEBHOOK, url=url)
        s.add(channel)
        s.flush()
        s.add(NotificationRule(name="all", channel_id=channel.id, events=["opened", "escalated", "resolved"]))
        machine = Machine(id=new_id(), name="Pump", type="pump")
        s.add(machine)
        s.flush()
        for i in range(TICKETS):
            ticket = MaintenanceTicket(
                machine_id=machine.id, title=f"T{i}", priority=TicketPriority.LOW, reason={}, fault=f"f{i}"
            )
            s.add(ticket)
            s.flush()
            s.add(TicketEvent(ticket_id=ticket.id, kind="created", data={"priority": "LOW"}))
            s.add(TicketEvent(ticket_id=ticket.id, kind="priority", data={"from": "LOW", "to": "HIGH"}))
            s.add(TicketEvent(ticket_id=ticket.id, kind="status", data={"from": "OPEN", "to": "RESOLVED"}))
    engine.dispose()


def _start(database_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MAINTAINX_NOTIFY_WORKERS": str(WORKERS),
        "MAINTAINX_NOTIFY_BACKOFF_INITIAL_S": "0.05",
        "MAINTAINX_NOTIFY_POLL_S": "0.2",
    }
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "cloud", "notify"], cwd=REPO, env=env, stderr=out)


def _wait(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def test_a_killed_worker_loses_nothing_and_repeats_at_most_what_was_in_flight(
    database_url: str, slow_receiver: HttpReceiver, tmp_path: Path
) -> None:
    _seed(database_url, slow_receiver.url)
    total = TICKETS * 3
    log = tmp_path / "notify.log"
    worker = _start(database_url, log)
    try:
        _wait(lambda: len(slow_receiver.received()) >= total // 3, 60, "a third of the webhooks")
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        killed_at = len(slow_receiver.received())
        assert killed_at < total, "the worker finished before the kill; the test proves nothing"
        worker = _start(database_url, log)
        _wait(lambda: len({orjson.loads(h.body)["event_id"] for h in slow_receiver.received()}) >= total, 60,
              "every webhook after the restart")  # fmt: skip
        time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(20) == 0, log.read_text()[-2000:]

    bodies = [orjson.loads(h.body) for h in slow_receiver.received()]
    counts = collections.Counter(b["event_id"] for b in bodies)
    assert len(counts) == total
    assert sum(n - 1 for n in counts.values()) <= WORKERS, counts.most_common(3)
    first_seen: dict[str, list[str]] = collections.defaultdict(list)
    done: set[str] = set()
    for body in bodies:
        if body["event_id"] not in done:
            done.add(body["event_id"])
            first_seen[body["ticket"]["id"]].append(body["event"])
    assert all(events == ["opened", "escalated", "resolved"] for events in first_seen.values())
    engine = make_engine(database_url)
    with engine.connect() as conn:
        statuses = conn.execute(sa.select(NotificationDelivery.status)).scalars().all()
    engine.dispose()
    assert len(statuses) == total and {s.value for s in statuses} == {"delivered"}
