"""Automatic assignment: a new ticket goes to the least loaded active technician, nearby where known.

``pick_technician`` is the rule on plain values; ``choose_technician`` reads the candidates from the
database (load = OPEN + IN_PROGRESS tickets assigned to each technician).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.tickets.models import MaintenanceTicket, TicketStatus
from cloud.users.models import User, UserRole


@dataclass(frozen=True, slots=True)
class Candidate:
    """An active technician and how many unresolved tickets they hold."""

    id: uuid.UUID
    name: str
    location: str | None
    load: int


def pick_technician(candidates: Sequence[Candidate], location: str | None) -> Candidate | None:
    """Least loaded technician, preferring those at ``location``; ties go by name (then id, for stability)."""
    if not candidates:
        return None
    local = [c for c in candidates if location is not None and c.location == location]
    pool = local or list(candidates)
    return min(pool, key=lambda c: (c.load, c.name, str(c.id)))


def candidates(session: Session) -> list[Candidate]:
    """Every active technician with their count of OPEN / IN_PROGRESS tickets."""
    load = (
        sa.select(sa.func.count(MaintenanceTicket.id))
        .where(
            MaintenanceTicket.technician_id == User.id,
            MaintenanceTicket.status != TicketStatus.RESOLVED,
        )
        .scalar_subquery()
    )
    rows = session.execute(
        sa.select(User.id, User.full_name, User.location, load).where(
            User.role == UserRole.TECHNICIAN, User.is_active.is_(True)
        )
    ).all()
    return [Candidate(row[0], row[1], row[2], int(row[3])) for row in rows]


def choose_technician(session: Session, location: str | None) -> Candidate | None:
    """The technician a new ticket at ``location`` goes to, or None when there is no active technician."""
    return pick_technician(candidates(session), location)
