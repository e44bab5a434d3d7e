"""A restarted demo starts a new simulated day: the old open tickets are closed with a note, no outcome."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from cloud.engine.retrain import outcome_examples
from cloud.tickets.models import MaintenanceTicket, TicketEvent, TicketOutcome, TicketStatus
from maintainx.demo_setup import NEW_DAY_NOTE, close_previous_day, had_previous_run
from tests.integration.cloud.conftest import Seeder

pytestmark = pytest.mark.integration


def test_open_and_in_progress_tickets_are_closed_without_an_outcome_and_resolved_ones_kept(
    database_url: str, seed: Seeder, sessions: sessionmaker[Session]
) -> None:
    assert not had_previous_run(database_url)  # a first start: nothing to say about an earlier day
    pump = seed.machine("Pump 01")
    assert had_previous_run(database_url)
    tech = seed.user()
    left_open = seed.ticket(pump, fault="bearing_wear")
    started = seed.ticket(pump, status=TicketStatus.IN_PROGRESS, technician_id=tech, fault="cooling_fault")
    done = seed.ticket(pump, status=TicketStatus.RESOLVED, resolved_at=datetime.now(UTC), fault="imbalance")
    with sessions.begin() as db:
        db.get_one(MaintenanceTicket, done).outcome = TicketOutcome.FALSE_ALARM

    assert close_previous_day(database_url) == 2

    with sessions() as db:
        rows = {t.id: t for t in db.scalars(sa.select(MaintenanceTicket))}
        events = db.scalars(sa.select(TicketEvent).order_by(TicketEvent.id)).all()
        examples = outcome_examples(db)
    for closed, before in ((left_open, "OPEN"), (started, "IN_PROGRESS")):
        ticket = rows[closed]
        assert ticket.status is TicketStatus.RESOLVED and ticket.resolved_at is not None
        assert ticket.outcome is None  # not a label: retraining learns only from what technicians found
        mine = [(e.kind, e.data, e.actor_id) for e in events if e.ticket_id == closed]
        assert ("comment", {"text": NEW_DAY_NOTE}, None) in mine
        assert ("status", {"from": before, "to": "RESOLVED"}, None) in mine
    assert rows[done].outcome is TicketOutcome.FALSE_ALARM
    assert not [e for e in events if e.ticket_id == done]
    assert {example.ticket_id for example in examples} <= {str(done)}
    # A second start of the same day finds nothing left to close.
    assert close_previous_day(database_url) == 0
