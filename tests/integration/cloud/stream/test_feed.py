"""The change feed against the real database: newest prediction per machine, each change reported once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from cloud.stream.feed import ChangeFeed

pytestmark = pytest.mark.integration


def test_only_the_newest_prediction_per_machine_is_reported_and_only_once(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    pump, fan = seed.machine("Pump 03"), seed.machine("Fan 01")
    feed = ChangeFeed(sessions)
    feed.reset()
    seed.predictions(pump, [0.1, 0.2, 0.9], faults=[None, None, "bearing_wear"])
    seed.predictions(fan, [0.3])

    first = feed.poll()

    by_machine = {c.data["machine_id"]: c.data for c in first if c.event == "prediction"}
    assert by_machine.keys() == {str(pump), str(fan)}
    assert by_machine[str(pump)]["failure_prob"] == 0.9 and by_machine[str(pump)]["ts"].endswith("Z")
    assert by_machine[str(pump)]["fault"] == "bearing_wear" and by_machine[str(fan)]["fault"] is None
    assert feed.poll() == []  # the look-back sees the same rows again, but they were sent
    seed.predictions(pump, [0.95], end=datetime.now(UTC) + timedelta(seconds=1))
    assert [c.data["failure_prob"] for c in feed.poll()] == [0.95]


def test_an_old_prediction_arriving_late_does_not_replace_a_newer_one(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    pump = seed.machine("Pump 03")
    feed = ChangeFeed(sessions)
    feed.reset()
    seed.predictions(pump, [0.5])
    assert len(feed.poll()) == 1
    seed.predictions(pump, [0.99], end=datetime.now(UTC) - timedelta(hours=1))  # replayed after an outage
    assert feed.poll() == []


def test_ticket_and_gateway_changes_are_reported_once_per_change(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    machine = seed.machine("Pump 03")
    feed = ChangeFeed(sessions)
    feed.reset()
    ticket = seed.ticket(machine, created_at=datetime.now(UTC))
    seed.gateway("gw-01")

    changes = feed.poll()

    assert sorted(c.event for c in changes) == ["gateway", "ticket"]
    ticket_data = next(c.data for c in changes if c.event == "ticket")
    assert ticket_data["id"] == str(ticket) and ticket_data["machine_name"] == "Pump 03"
    assert feed.poll() == []
    with sessions.begin() as db:
        db.execute(sa.text("UPDATE maintenance_tickets SET status = 'IN_PROGRESS', updated_at = now()"))
    assert [(c.event, c.data["status"]) for c in feed.poll()] == [("ticket", "IN_PROGRESS")]


def test_changes_made_before_the_reset_are_not_reported(sessions: sessionmaker[Session], seed: Any) -> None:
    seed.predictions(seed.machine("Pump 03"), [0.4], end=datetime.now(UTC) - timedelta(seconds=30))
    with sessions.begin() as db:  # stamp it as ingested well before the feed starts
        db.execute(sa.text("UPDATE predictions SET ingested_at = now() - interval '1 minute'"))
    feed = ChangeFeed(sessions)
    feed.reset()
    assert feed.poll() == []
