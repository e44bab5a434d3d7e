"""Work done on a ticket: time entries, checklist results, and the whole record read back.

Who may write: engineers and admins on any ticket, technicians on tickets assigned to them (the same rule
as comments). Every write adds a ``ticket_events`` row through ``cloud.tickets.service.record`` in the same
transaction.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.errors import NotFoundError
from cloud.tickets import service as tickets
from cloud.tickets.models import MaintenanceTicket
from cloud.users.models import User
from cloud.workdone.models import Attachment, ChecklistItem, Part, PartUsage, TimeEntry
from cloud.workdone.schemas import (
    AttachmentRead,
    ChecklistItemRead,
    ChecklistResultIn,
    PartUsageRead,
    TimeEntryIn,
    TimeEntryRead,
    WorkDone,
)


def add_time(*, db_session: Session, ticket_id: uuid.UUID, entry: TimeEntryIn, actor: User) -> WorkDone:
    """Record minutes the caller spent on the ticket."""
    ticket = tickets.locked(db_session, ticket_id)
    tickets.check_may_work(actor, ticket)
    note = (entry.note or "").strip() or None
    db_session.add(TimeEntry(ticket_id=ticket.id, user_id=actor.id, minutes=entry.minutes, note=note))
    tickets.record(db_session, ticket, actor, "time", minutes=entry.minutes, note=note)
    db_session.commit()
    return read(db_session=db_session, ticket_id=ticket.id)


def set_checklist(
    *, db_session: Session, ticket_id: uuid.UUID, position: int, result_in: ChecklistResultIn, actor: User
) -> WorkDone:
    """Set one checklist item's result and note."""
    ticket = tickets.locked(db_session, ticket_id)
    tickets.check_may_work(actor, ticket)
    item = db_session.scalar(
        sa.select(ChecklistItem).where(
            ChecklistItem.ticket_id == ticket.id, ChecklistItem.position == position
        )
    )
    if item is None:
        raise NotFoundError(f"ticket {ticket.id} has no checklist item {position}")
    item.result = result_in.result
    item.note = (result_in.note or "").strip() or None
    item.updated_by, item.updated_at = actor.id, datetime.now(UTC)
    tickets.record(
        db_session,
        ticket,
        actor,
        "checklist",
        position=position,
        item=item.text,
        result=item.result.value if item.result else None,
        note=item.note,
    )
    db_session.commit()
    return read(db_session=db_session, ticket_id=ticket.id)


def read(*, db_session: Session, ticket_id: uuid.UUID) -> WorkDone:
    """Everything recorded on the ticket; NotFoundError for an unknown ticket."""
    if db_session.get(MaintenanceTicket, ticket_id) is None:
        raise NotFoundError(f"ticket {ticket_id} does not exist")
    time = [
        TimeEntryRead(
            id=e.id,
            user_id=e.user_id,
            user_name=name,
            minutes=e.minutes,
            note=e.note,
            created_at=e.created_at,
        )
        for e, name in db_session.execute(
            sa.select(TimeEntry, User.full_name)
            .join(User, User.id == TimeEntry.user_id)
            .where(TimeEntry.ticket_id == ticket_id)
            .order_by(TimeEntry.created_at, TimeEntry.id)
        )
    ]
    parts = [
        PartUsageRead(
            id=u.id,
            part_id=u.part_id,
            sku=p.sku,
            name=p.name,
            unit=p.unit,
            quantity=u.quantity,
            user_id=u.user_id,
            user_name=name,
            created_at=u.created_at,
        )
        for u, p, name in db_session.execute(
            sa.select(PartUsage, Part, User.full_name)
            .join(Part, Part.id == PartUsage.part_id)
            .join(User, User.id == PartUsage.user_id)
            .where(PartUsage.ticket_id == ticket_id)
            .order_by(PartUsage.created_at, PartUsage.id)
        )
    ]
    checklist = [
        ChecklistItemRead(
            position=i.position,
            text=i.text,
            result=i.result,
            note=i.note,
            updated_by=i.updated_by,
            updated_at=i.updated_at,
        )
        for i in db_session.scalars(
            sa.select(ChecklistItem)
            .where(ChecklistItem.ticket_id == ticket_id)
            .order_by(ChecklistItem.position)
        )
    ]
    attachments = [
        attachment_schema(a, name)
        for a, name in db_session.execute(
            sa.select(Attachment, User.full_name)
            .join(User, User.id == Attachment.user_id)
            .where(Attachment.ticket_id == ticket_id)
            .order_by(Attachment.created_at, Attachment.id)
        )
    ]
    return WorkDone(
        ticket_id=ticket_id,
        minutes_total=sum(e.minutes for e in time),
        time=time,
        parts=parts,
        checklist=checklist,
        attachments=attachments,
    )


def attachment_schema(attachment: Attachment, user_name: str | None) -> AttachmentRead:
    """The API view of an attachment row."""
    return AttachmentRead(
        id=attachment.id,
        ticket_id=attachment.ticket_id,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
        user_id=attachment.user_id,
        user_name=user_name,
        created_at=attachment.created_at,
    )
