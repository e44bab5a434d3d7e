"""The engine against real PostgreSQL: assignment at creation, audit events, the "why" and re-arming."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from cloud.engine.runner import TicketEngine
from cloud.predictions.models import Prediction
from cloud.tickets.models import MaintenanceTicket, TicketEvent, TicketPriority, TicketStatus

pytestmark = pytest.mark.integration


def only_ticket(sessions: sessionmaker[Session]) -> MaintenanceTicket:
    with sessions() as s:
        (ticket,) = s.scalars(
            sa.select(MaintenanceTicket).where(MaintenanceTicket.status != TicketStatus.RESOLVED)
        )
        return ticket


def events(sessions: sessionmaker[Session], ticket_id: Any) -> list[tuple[str, dict[str, Any], Any]]:
    with sessions() as s:
        rows = s.execute(
            sa.select(TicketEvent.kind, TicketEvent.data, TicketEvent.actor_id)
            .where(TicketEvent.ticket_id == ticket_id)
            .order_by(TicketEvent.id)
        ).all()
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_a_new_ticket_goes_to_the_least_loaded_local_active_technician_and_is_audited(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    machine = seed.machine("Pump 03", location="Line A")
    other = seed.machine("Pump 09", location="Line A")
    busy_local = seed.user("Alice Local", location="Line A")
    free_local = seed.user("Bruno Local", location="Line A")
    seed.user("Carla Remote", location="Line B")  # no load, but elsewhere
    seed.user("Aaron Inactive", location="Line A", is_active=False)
    with sessions.begin() as s:
        ticket_id = seed.ticket(other)
        s.execute(
            sa.update(MaintenanceTicket)
            .where(MaintenanceTicket.id == ticket_id)
            .values(technician_id=busy_local)
        )
    seed.predictions(machine, [0.85, 0.86, 0.87])

    assert TicketEngine(sessions).tick().opened == 1

    with sessions() as s:
        ticket = s.scalars(sa.select(MaintenanceTicket).where(MaintenanceTicket.machine_id == machine)).one()
    assert ticket.technician_id == free_local
    assert ticket.fault == "failure_risk"
    kinds = events(sessions, ticket.id)
    assert [k for k, _, _ in kinds] == ["created", "assigned"]
    assert all(actor is None for _, _, actor in kinds)
    assert kinds[0][1]["model_version"] == "test-model-1" and kinds[0][1]["priority"] == "HIGH"
    assert kinds[1][1]["to"] == str(free_local)


def test_the_ticket_says_which_features_deviate_from_the_types_healthy_baseline(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    healthy = seed.machine("Pump 01")
    seed.predictions(healthy, [0.1] * 20, end=datetime.now(UTC) - timedelta(minutes=30))
    with sessions.begin() as s:  # healthy pumps vibrate around 2.0 mm/s
        rows = s.scalars(sa.select(Prediction).where(Prediction.machine_id == healthy)).all()
        for i, row in enumerate(rows):
            row.features = {"vibration_rms": 2.0 + 0.01 * (i % 3), "temperature_slope": 0.2 + 0.001 * (i % 2)}
    risky = seed.machine("Pump 03")
    seed.predictions(risky, [0.9, 0.9, 0.9])  # features: vibration_rms 3.5, temperature_slope 0.2

    TicketEngine(sessions).tick()

    reason = only_ticket(sessions).reason
    assert reason["model_version"] == "test-model-1"
    assert reason["features"] == {"vibration_rms": 3.5, "temperature_slope": 0.2}
    top = reason["drivers"][0]
    assert top["feature"] == "vibration_rms" and top["value"] == 3.5
    assert top["baseline_mean"] == pytest.approx(2.01, abs=0.005) and top["z"] > 10
    assert reason["baseline"] == {"machine_type": "pump", "predictions": 20}


def test_escalation_is_audited_with_the_old_and_new_priority(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    machine = seed.machine("Pump 03")
    engine = TicketEngine(sessions)
    seed.predictions(machine, [0.72, 0.74, 0.75])
    engine.tick()
    seed.predictions(machine, [0.93, 0.95, 0.97])
    engine.tick()
    ticket = only_ticket(sessions)
    assert ticket.priority is TicketPriority.CRITICAL
    priority_events = [d for k, d, _ in events(sessions, ticket.id) if k == "priority"]
    assert [(d["from"], d["to"]) for d in priority_events] == [("LOW", "CRITICAL")]


def test_after_a_resolution_a_new_ticket_needs_the_risk_to_have_cleared_first(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    machine = seed.machine("Pump 03")
    resolved_at = datetime.now(UTC) - timedelta(hours=1)  # cooldown long over
    seed.ticket(machine, status=TicketStatus.RESOLVED, resolved_at=resolved_at, created_at=resolved_at)
    engine = TicketEngine(sessions)
    seed.predictions(machine, [0.9, 0.9, 0.9])
    assert engine.tick().opened == 0  # never cleared: the old risk state, not a new fault

    seed.predictions(machine, [0.2], end=datetime.now(UTC) - timedelta(minutes=5))
    seed.predictions(machine, [0.9, 0.9, 0.9])
    assert engine.tick().opened == 1
