"""Automatic assignment: a new ticket goes to the least loaded active technician of its machine's line, else
of its site, else (people who belong nowhere yet) one at the machine's free-text location, else anyone.

``pick_technician`` is the rule on plain values; ``choose_technician`` reads the candidates from the
database (load = unresolved tickets assigned to each technician; sites and lines from
``technician_sites`` / ``technician_lines``).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.machines.models import Line, TechnicianLine, TechnicianSite
from cloud.tickets.models import MaintenanceTicket, TicketStatus
from cloud.users.models import User, UserRole


@dataclass(frozen=True, slots=True)
class Candidate:
    """An active technician, how many unresolved tickets they hold, and where they work."""

    id: uuid.UUID
    name: str
    location: str | None
    load: int
    lines: frozenset[uuid.UUID] = field(default_factory=frozenset)
    # The sites they were given, and the sites of their lines: someone on line 2 is nearer line 1 of the
    # same plant than someone from elsewhere.
    sites: frozenset[uuid.UUID] = field(default_factory=frozenset)


def _least_loaded(pool: Sequence[Candidate]) -> Candidate:
    """Fewest unresolved tickets; ties go by name (then id, for stability)."""
    return min(pool, key=lambda c: (c.load, c.name, str(c.id)))


def pick_technician(
    candidates: Sequence[Candidate],
    location: str | None,
    line_id: uuid.UUID | None = None,
    site_id: uuid.UUID | None = None,
) -> Candidate | None:
    """The technician for a ticket on a machine at ``line_id`` / ``site_id`` / ``location``; None if nobody.

    Tiers, each least-loaded first: the line's technicians, the site's, then the unplaced technicians (none
    of whom has a site or line) at ``location``, then every unplaced technician, then everyone — a ticket
    goes to someone while anyone is active, and an engineer can still reassign it.
    """
    if not candidates:
        return None
    tiers = [
        [c for c in candidates if line_id is not None and line_id in c.lines],
        [c for c in candidates if site_id is not None and site_id in c.sites],
    ]
    unplaced = [c for c in candidates if not c.sites]
    tiers.append([c for c in unplaced if location is not None and c.location == location])
    tiers.append(unplaced)
    tiers.append(list(candidates))
    return _least_loaded(next(tier for tier in tiers if tier))


def _places(session: Session) -> tuple[dict[uuid.UUID, set[uuid.UUID]], dict[uuid.UUID, set[uuid.UUID]]]:
    """Each person's lines, and sites (given directly or through a line), in two queries."""
    lines: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    sites: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for user_id, line_id, site_id in session.execute(
        sa.select(TechnicianLine.user_id, Line.id, Line.site_id).join(Line, Line.id == TechnicianLine.line_id)
    ):
        lines[user_id].add(line_id)
        sites[user_id].add(site_id)
    for user_id, site_id in session.execute(sa.select(TechnicianSite.user_id, TechnicianSite.site_id)):
        sites[user_id].add(site_id)
    return lines, sites


def candidates(session: Session) -> list[Candidate]:
    """Every active technician with their count of unresolved tickets and their lines and sites."""
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
    lines, sites = _places(session)
    return [
        Candidate(row[0], row[1], row[2], int(row[3]), frozenset(lines[row[0]]), frozenset(sites[row[0]]))
        for row in rows
    ]


def choose_technician(
    session: Session, location: str | None, line_id: uuid.UUID | None = None
) -> Candidate | None:
    """The technician a new ticket on a machine at ``line_id`` (its site follows) or ``location`` goes to."""
    site_id = session.scalar(sa.select(Line.site_id).where(Line.id == line_id)) if line_id else None
    return pick_technician(candidates(session), location, line_id, site_id)
