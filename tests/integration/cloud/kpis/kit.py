"""A small plant with hand-countable tickets for the reliability-figure tests (see the module docstring of
test_kpis.py for the figures it must give)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from cloud.machines.models import Line, Machine, Site
from cloud.tickets.models import (
    MaintenanceTicket,
    TicketEvent,
    TicketKind,
    TicketOutcome,
    TicketPriority,
    TicketStatus,
)
from contract import new_id

START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 4, 1, tzinfo=UTC)  # 31 days: 744 operating hours per machine
BUILT = datetime(2026, 1, 1, tzinfo=UTC)


def at(day: int, hour: float = 0.0) -> datetime:
    """A time in March 2026 (UTC)."""
    return datetime(2026, 3, day, tzinfo=UTC) + timedelta(hours=hour)


@dataclass(frozen=True)
class Plant:
    """Ids of the seeded hierarchy."""

    site_a: uuid.UUID
    site_b: uuid.UUID
    line_a1: uuid.UUID
    line_b1: uuid.UUID
    m1: uuid.UUID
    m2: uuid.UUID
    m3: uuid.UUID
    m4: uuid.UUID  # unplaced, no tickets


def ticket(
    db: Session,
    machine_id: uuid.UUID,
    *,
    kind: TicketKind,
    created: datetime,
    resolved: datetime | None = None,
    outcome: TicketOutcome | None = None,
    model_version: str | None = None,
    started: datetime | None = None,
    title: str = "ticket",
    root_cause: str | None = None,
) -> uuid.UUID:
    """A ticket as the lifecycle leaves it, with its IN_PROGRESS event when ``started`` is given."""
    ticket_id = new_id()
    reason = {"model_version": model_version, "failure_prob": 0.9} if model_version else {}
    db.add(
        MaintenanceTicket(
            id=ticket_id,
            machine_id=machine_id,
            title=title,
            status=TicketStatus.RESOLVED if resolved else TicketStatus.OPEN,
            priority=TicketPriority.HIGH,
            kind=kind,
            created_at=created,
            updated_at=resolved or created,
            resolved_at=resolved,
            outcome=outcome,
            reason=reason,
            fault=f"f-{ticket_id.hex[-12:]}",  # one open ticket per machine and fault
            root_cause=root_cause,
        )
    )
    db.flush()
    if started is not None:
        db.add(
            TicketEvent(
                ticket_id=ticket_id, at=started, kind="status", data={"from": "OPEN", "to": "IN_PROGRESS"}
            )
        )
    return ticket_id


def seed_plant(sessions: sessionmaker[Session]) -> Plant:
    """Two sites with a line each, machines M1, M2 on line A1, M3 on B1, M4 unplaced; March 2026 tickets."""
    P, C, PM, S = TicketKind.PREDICTIVE, TicketKind.CORRECTIVE, TicketKind.PREVENTIVE, TicketKind.SENSOR
    CF, FA = TicketOutcome.CONFIRMED_FAULT, TicketOutcome.FALSE_ALARM
    with sessions.begin() as db:
        site_a, site_b = Site(id=new_id(), name="Alpha"), Site(id=new_id(), name="Beta")
        db.add_all([site_a, site_b])
        db.flush()
        line_a1 = Line(id=new_id(), site_id=site_a.id, name="A1")
        line_b1 = Line(id=new_id(), site_id=site_b.id, name="B1")
        db.add_all([line_a1, line_b1])
        db.flush()
        machines = [
            Machine(id=new_id(), name=name, type="pump", line_id=line, created_at=BUILT)
            for name, line in (("M1", line_a1.id), ("M2", line_a1.id), ("M3", line_b1.id), ("M4", None))
        ]
        db.add_all(machines)
        db.flush()
        m1, m2, m3, m4 = (m.id for m in machines)
        # M1: lead 2 h (repair 1 h after work started), lead 6 h (never marked started: repair 6 h),
        # a false alarm, an open preventive order, and a false alarm opened exactly at the period's start.
        ticket(
            db, m1, kind=P, created=at(2), resolved=at(2, 2), outcome=CF, model_version="v1", started=at(2, 1)
        )
        ticket(db, m1, kind=P, created=at(3), resolved=at(3, 6), outcome=CF, model_version="v1")
        ticket(db, m1, kind=P, created=at(4), resolved=at(4, 1), outcome=FA, model_version="v1")
        ticket(db, m1, kind=PM, created=at(5))
        ticket(db, m1, kind=P, created=START, resolved=at(1, 1), outcome=FA, model_version="v1")
        # M2: lead 24 h (repair 4 h), and a missed failure repaired in 5 h.
        ticket(
            db,
            m2,
            kind=P,
            created=at(10),
            resolved=at(11),
            outcome=CF,
            model_version="v2",
            started=at(10, 20),
        )
        ticket(db, m2, kind=C, created=at(12), resolved=at(12, 5), outcome=TicketOutcome.MISSED)
        # M3: an open corrective order and a sensor ticket.
        ticket(db, m3, kind=C, created=at(20))
        ticket(db, m3, kind=S, created=at(21))
        # Outside the period: a second before its start, and exactly at its (exclusive) end.
        ticket(
            db,
            m1,
            kind=P,
            created=START - timedelta(seconds=1),
            resolved=at(1, 3),
            outcome=CF,
            model_version="v1",
        )
        ticket(db, m3, kind=C, created=END, resolved=END + timedelta(hours=1), outcome=TicketOutcome.MISSED)
    return Plant(site_a.id, site_b.id, line_a1.id, line_b1.id, m1, m2, m3, m4)
