"""The ticket engine against real PostgreSQL: which machines get tickets, escalation, and its loop."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from cloud.config import Settings
from cloud.engine.runner import ENGINE_NAME, TicketEngine, run_engine
from cloud.tickets.models import EngineState, MaintenanceTicket, TicketPriority, TicketStatus

pytestmark = pytest.mark.integration


def tickets(sessions: sessionmaker[Session]) -> list[MaintenanceTicket]:
    with sessions() as s:
        return list(s.scalars(sa.select(MaintenanceTicket).order_by(MaintenanceTicket.created_at)))


def test_a_risky_machine_gets_exactly_one_ticket_and_healthy_or_stale_ones_none(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    risky = seed.machine("Pump 03")
    healthy = seed.machine("Pump 04")
    stale = seed.machine("Pump 05")
    seed.predictions(risky, [0.2, 0.86, 0.87, 0.5, 0.88])
    seed.predictions(healthy, [0.1, 0.2, 0.75, 0.1, 0.2])
    # Replayed after an outage: risky, but from an hour ago.
    seed.predictions(stale, [0.95] * 5, end=datetime.now(UTC) - timedelta(hours=1))
    engine = TicketEngine(sessions)

    first = engine.tick()
    seed.predictions(risky, [0.86, 0.87])  # still risky: no second ticket
    engine.tick()
    engine.tick()

    assert first.opened == 1 and first.evaluated == 3
    (ticket,) = tickets(sessions)
    assert ticket.machine_id == risky
    assert ticket.status is TicketStatus.OPEN
    assert ticket.priority is TicketPriority.HIGH
    assert ticket.title == "Failure risk on Pump 03"
    assert ticket.reason["failure_prob"] == 0.88
    assert ticket.reason["model_version"] == "test-model-1"
    assert ticket.reason["features"] == {"vibration_rms": 3.5, "temperature_slope": 0.2}
    assert datetime.fromisoformat(ticket.reason["prediction_ts"]) > datetime.now(UTC) - timedelta(minutes=1)


def test_worsening_risk_escalates_the_open_ticket_and_never_lowers_it(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    machine = seed.machine("Pump 03")
    engine = TicketEngine(sessions)
    seed.predictions(machine, [0.72, 0.74, 0.75])
    engine.tick()
    assert [t.priority for t in tickets(sessions)] == [TicketPriority.LOW]

    seed.predictions(machine, [0.93, 0.95, 0.97])
    assert engine.tick().escalated == 1
    assert [t.priority for t in tickets(sessions)] == [TicketPriority.CRITICAL]

    seed.predictions(machine, [0.75, 0.72, 0.74, 0.71, 0.7])
    engine.tick()
    (ticket,) = tickets(sessions)
    assert ticket.priority is TicketPriority.CRITICAL


def test_no_new_ticket_within_the_cooldown_after_a_resolution(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    machine = seed.machine("Pump 03")
    seed.ticket(machine, status=TicketStatus.RESOLVED, resolved_at=datetime.now(UTC) - timedelta(minutes=1))
    seed.predictions(machine, [0.9, 0.9, 0.9])
    assert TicketEngine(sessions).tick().opened == 0
    assert len(tickets(sessions)) == 1


def test_an_in_progress_ticket_blocks_a_second_one(sessions: sessionmaker[Session], seed: Any) -> None:
    machine = seed.machine("Pump 03")
    seed.ticket(machine, status=TicketStatus.IN_PROGRESS, priority=TicketPriority.CRITICAL)
    seed.predictions(machine, [0.95, 0.95, 0.95])
    result = TicketEngine(sessions).tick()
    assert (result.opened, result.escalated) == (0, 0)


def test_the_watermark_advances_and_old_predictions_are_not_read_again(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    machine = seed.machine("Pump 03")
    seed.predictions(machine, [0.1, 0.1, 0.1])
    engine = TicketEngine(sessions)
    assert engine.tick().evaluated == 1
    with sessions() as s:
        watermark = s.scalar(sa.select(EngineState.watermark).where(EngineState.name == ENGINE_NAME))
        newest = s.scalar(sa.text("SELECT max(ingested_at) FROM predictions"))
        # Age the evaluated predictions past the watermark's overlap: they must not be read again.
        s.execute(sa.text("UPDATE predictions SET ingested_at = ingested_at - interval '1 minute'"))
        s.commit()
    assert watermark == newest
    assert engine.tick().evaluated == 0
    other = seed.machine("Pump 04")
    seed.predictions(other, [0.1])
    assert engine.tick().evaluated == 1


def test_two_engines_racing_still_open_one_ticket(sessions: sessionmaker[Session], seed: Any) -> None:
    machine = seed.machine("Pump 03")
    seed.predictions(machine, [0.9, 0.9, 0.9])
    results = [TicketEngine(sessions).tick(), TicketEngine(sessions).tick()]
    assert sum(r.opened for r in results) == 1
    assert len(tickets(sessions)) == 1


def test_run_engine_opens_a_ticket_within_seconds_and_stops_on_request(
    database_url: str, sessions: sessionmaker[Session], seed: Any
) -> None:
    machine = seed.machine("Pump 03")
    stop = threading.Event()
    thread = threading.Thread(target=run_engine, args=(Settings(database_url=database_url), stop))
    thread.start()
    try:
        seed.predictions(machine, [0.91, 0.92, 0.93])
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while not tickets(sessions) and datetime.now(UTC) < deadline:
            stop.wait(0.1)
        opened_after = datetime.now(UTC)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    (ticket,) = tickets(sessions)
    assert ticket.priority is TicketPriority.CRITICAL
    assert opened_after - ticket.created_at < timedelta(seconds=3)


def test_the_fault_a_model_names_titles_the_ticket_and_a_wavering_classifier_opens_no_second_one(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    machine = seed.machine("Pump 03")
    engine = TicketEngine(sessions)
    # Most risky verdicts name bearing wear; one stray imbalance does not change what the window points at.
    now = datetime.now(UTC)
    seed.predictions(
        machine,
        [0.2, 0.86, 0.87, 0.88, 0.89],
        faults=[None, "bearing_wear", "imbalance", "bearing_wear", "bearing_wear"],
        end=now - timedelta(seconds=40),
    )
    assert engine.tick().opened == 1
    (ticket,) = tickets(sessions)
    assert ticket.fault == "bearing_wear"
    assert ticket.title == "Bearing wear on Pump 03"
    assert ticket.reason["fault"] == "bearing_wear"
    # The same fault again, then verdicts naming another mode: they count towards the open ticket (its
    # priority rises with the risk) and open no second one while it is being worked on.
    seed.predictions(machine, [0.85] * 10, faults=["bearing_wear"] * 10, end=now - timedelta(seconds=20))
    assert engine.tick().opened == 0
    seed.predictions(machine, [0.97] * 10, faults=["imbalance"] * 10, end=now)
    result = engine.tick()
    assert (result.opened, result.escalated) == (0, 1)
    (ticket,) = tickets(sessions)
    assert (ticket.fault, ticket.priority) == ("bearing_wear", TicketPriority.CRITICAL)
