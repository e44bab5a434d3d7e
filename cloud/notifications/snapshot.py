"""The payload of a delivery: the ticket, its machine and place, and why — captured when it is enqueued."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.machines.models import Line, Machine, Site
from cloud.tickets.models import MaintenanceTicket
from cloud.users.models import User


def why(reason: dict[str, Any] | None) -> str:
    """The ticket's reason in one sentence a technician reads on a phone."""
    if not reason:
        return ""
    parts = []
    if isinstance(reason.get("failure_prob"), int | float):
        parts.append(f"failure risk {reason['failure_prob']:.0%}")
    if reason.get("fault"):
        parts.append(f"fault {reason['fault']}")
    signals = [s.get("label") or s.get("signal") for s in reason.get("signals") or [] if isinstance(s, dict)]
    drivers = [d.get("feature") for d in reason.get("drivers") or [] if isinstance(d, dict)]
    moved = [str(name) for name in (signals or drivers)[:3] if name]
    if moved:
        parts.append("driven by " + ", ".join(moved))
    if reason.get("model_version"):
        parts.append(f"model {reason['model_version']}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def ticket_context(db_session: Session, ticket_id: uuid.UUID) -> dict[str, Any] | None:
    """Ticket, machine, line and site as the payload's ``ticket``/``machine`` parts (None: ticket gone)."""
    row = db_session.execute(
        sa.select(MaintenanceTicket, Machine, Line, Site, User.full_name)
        .join(Machine, Machine.id == MaintenanceTicket.machine_id)
        .outerjoin(Line, Line.id == Machine.line_id)
        .outerjoin(Site, Site.id == Line.site_id)
        .outerjoin(User, User.id == MaintenanceTicket.technician_id)
        .where(MaintenanceTicket.id == ticket_id)
    ).first()
    if row is None:
        return None
    ticket, machine, line, site, technician = row
    return {
        "ticket": {
            "id": str(ticket.id),
            "title": ticket.title,
            "status": ticket.status.value,
            "priority": ticket.priority.value,
            "kind": ticket.kind.value,
            "fault": ticket.fault,
            "created_at": _iso(ticket.created_at),
            "technician": technician,
        },
        "machine": {
            "id": str(machine.id),
            "name": machine.name,
            "type": machine.type,
            "site_id": str(site.id) if site else None,
            "site": site.name if site else None,
            "line_id": str(line.id) if line else None,
            "line": line.name if line else None,
        },
        "why": why(ticket.reason),
        "reason": ticket.reason,
        "link_path": f"/tickets/{ticket.id}",
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
