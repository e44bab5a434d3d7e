"""The parts catalogue: stock levels, parts used on tickets (stock decremented in the same transaction), and
a ``part_below_minimum`` notice when a part's stock falls below its minimum."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cloud.errors import ConflictError, InvalidRequestError, NotFoundError
from cloud.tickets import service as tickets
from cloud.users.models import User
from cloud.workdone import service
from cloud.workdone.models import Notice, Part, PartUsage
from cloud.workdone.schemas import NoticeRead, PartIn, PartRead, PartUseIn, WorkDone

BELOW_MINIMUM = "part_below_minimum"


def part_schema(part: Part) -> PartRead:
    """The API view of a part."""
    return PartRead(
        id=part.id,
        sku=part.sku,
        name=part.name,
        unit=part.unit,
        stock=part.stock,
        min_stock=part.min_stock,
        below_minimum=part.stock < part.min_stock,
        updated_at=part.updated_at,
    )


def list_parts(*, db_session: Session) -> list[PartRead]:
    """The catalogue, those below their minimum first, then by SKU."""
    below = Part.stock < Part.min_stock
    return [part_schema(p) for p in db_session.scalars(sa.select(Part).order_by(below.desc(), Part.sku))]


def _save(db_session: Session, part: Part, part_in: PartIn, ticket_id: uuid.UUID | None = None) -> PartRead:
    was_below = part.stock is not None and part.stock < part.min_stock
    part.sku, part.name, part.unit = part_in.sku, part_in.name.strip(), part_in.unit.strip()
    part.stock, part.min_stock = part_in.stock, part_in.min_stock
    part.updated_at = datetime.now(UTC)
    db_session.add(part)
    try:
        db_session.flush()
    except IntegrityError as exc:
        db_session.rollback()
        raise ConflictError(f"a part with SKU {part_in.sku!r} exists already") from exc
    _notice_if_crossed(db_session, part, was_below, ticket_id)
    db_session.commit()
    return part_schema(part)


def create_part(*, db_session: Session, part_in: PartIn) -> PartRead:
    """Add a part to the catalogue; ConflictError when the SKU is taken."""
    return _save(db_session, Part(), part_in)


def replace_part(*, db_session: Session, part_id: uuid.UUID, part_in: PartIn) -> PartRead:
    """Change a part (a stock count, a new minimum)."""
    part = db_session.get(Part, part_id, with_for_update=True)
    if part is None:
        raise NotFoundError(f"part {part_id} does not exist")
    return _save(db_session, part, part_in)


def _notice_if_crossed(db_session: Session, part: Part, was_below: bool, ticket_id: uuid.UUID | None) -> None:
    """One notice when the stock goes below the minimum, not one per use while it stays there."""
    if was_below or part.stock >= part.min_stock:
        return
    db_session.add(
        Notice(
            kind=BELOW_MINIMUM,
            part_id=part.id,
            ticket_id=ticket_id,
            data={"sku": part.sku, "name": part.name, "stock": part.stock, "min_stock": part.min_stock},
        )
    )


def use_part(*, db_session: Session, ticket_id: uuid.UUID, use: PartUseIn, actor: User) -> WorkDone:
    """Take parts from stock for the ticket; ConflictError when the stock is short."""
    ticket = tickets.locked(db_session, ticket_id)
    tickets.check_may_work(actor, ticket)
    # Locked so two technicians taking the last one cannot both succeed.
    part = db_session.get(Part, use.part_id, with_for_update=True)
    if part is None:
        raise InvalidRequestError(f"part {use.part_id} does not exist", ("body", "part_id"))
    if part.stock < use.quantity:
        raise ConflictError(f"only {part.stock} {part.unit} of {part.sku} in stock, {use.quantity} asked for")
    was_below = part.stock < part.min_stock
    part.stock -= use.quantity
    part.updated_at = datetime.now(UTC)
    db_session.add(PartUsage(ticket_id=ticket.id, part_id=part.id, quantity=use.quantity, user_id=actor.id))
    tickets.record(
        db_session, ticket, actor, "part", part_id=str(part.id), sku=part.sku, quantity=use.quantity,
        stock_left=part.stock,
    )  # fmt: skip
    _notice_if_crossed(db_session, part, was_below, ticket.id)
    db_session.commit()
    return service.read(db_session=db_session, ticket_id=ticket.id)


def _notice_schema(notice: Notice) -> NoticeRead:
    return NoticeRead(
        id=notice.id,
        kind=notice.kind,
        part_id=notice.part_id,
        ticket_id=notice.ticket_id,
        data=notice.data,
        created_at=notice.created_at,
        acknowledged_at=notice.acknowledged_at,
    )


def list_notices(*, db_session: Session, include_acknowledged: bool = False) -> list[NoticeRead]:
    """Notices, newest first (only those not yet acknowledged unless asked)."""
    query = sa.select(Notice).order_by(Notice.id.desc()).limit(200)
    if not include_acknowledged:
        query = query.where(Notice.acknowledged_at.is_(None))
    return [_notice_schema(n) for n in db_session.scalars(query)]


def acknowledge(*, db_session: Session, notice_id: int, actor: User) -> NoticeRead:
    """Mark a notice as seen."""
    notice = db_session.get(Notice, notice_id, with_for_update=True)
    if notice is None:
        raise NotFoundError(f"notice {notice_id} does not exist")
    if notice.acknowledged_at is None:
        notice.acknowledged_at, notice.acknowledged_by = datetime.now(UTC), actor.id
        db_session.commit()
    return _notice_schema(notice)
