"""Work done on tickets: checklist items, time entries, the parts catalogue and its usage, attachments, and
``notices`` (things people should hear about that are not ticket changes, e.g. a part below its minimum)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloud.db import JSON, Base, enum_values
from cloud.tickets.models import MaintenanceTicket
from cloud.users.models import User
from contract.payloads import new_id


def _ticket_fk() -> sa.ForeignKey:
    """A fresh foreign key to the ticket (one object cannot belong to two columns); rows go with it."""
    return sa.ForeignKey(MaintenanceTicket.id, ondelete="CASCADE")


class ChecklistResult(enum.StrEnum):
    """What the technician says about one checklist item."""

    DONE = "DONE"
    NOT_DONE = "NOT_DONE"
    NOT_APPLICABLE = "NOT_APPLICABLE"


class ChecklistItem(Base):
    """One item of a ticket's checklist (copied from its PM schedule) and its result."""

    __tablename__ = "ticket_checklist_items"
    __table_args__ = (sa.UniqueConstraint("ticket_id", "position"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(_ticket_fk())
    position: Mapped[int]
    text: Mapped[str]
    result: Mapped[ChecklistResult | None] = mapped_column(
        sa.Enum(ChecklistResult, name="checklist_result", values_callable=enum_values)
    )
    note: Mapped[str | None]
    updated_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey(User.id, ondelete="SET NULL"))
    updated_at: Mapped[datetime | None]


class TimeEntry(Base):
    """Minutes someone spent on a ticket."""

    __tablename__ = "ticket_time_entries"
    __table_args__ = (sa.CheckConstraint("minutes > 0", name="minutes"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(_ticket_fk(), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(User.id))
    minutes: Mapped[int]
    note: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())


class Part(Base):
    """A spare part the team keeps, with its stock and the level below which it must be re-ordered."""

    __tablename__ = "parts"
    __table_args__ = (
        sa.CheckConstraint("stock >= 0", name="stock"),
        sa.CheckConstraint("min_stock >= 0", name="min_stock"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    sku: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str]
    unit: Mapped[str] = mapped_column(server_default="pcs")
    stock: Mapped[int]
    min_stock: Mapped[int] = mapped_column(server_default=sa.text("0"))
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())


class PartUsage(Base):
    """Parts used on a ticket (the stock was decremented in the same transaction)."""

    __tablename__ = "ticket_part_usages"
    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(_ticket_fk(), index=True)
    part_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(Part.id))
    quantity: Mapped[int]
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(User.id))
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())


class Attachment(Base):
    """A photo or file attached to a ticket; the bytes live in the blob store under ``storage_key``."""

    __tablename__ = "ticket_attachments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    ticket_id: Mapped[uuid.UUID] = mapped_column(_ticket_fk(), index=True)
    filename: Mapped[str]
    content_type: Mapped[str]
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str]
    storage_key: Mapped[str]
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(User.id))
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())


class Notice(Base):
    """Something people should hear about that is not a ticket change (kind ``part_below_minimum``).

    The notifications outbox picks new rows up by ``id``; the dashboard lists those not yet acknowledged.
    """

    __tablename__ = "notices"
    __table_args__ = (
        sa.Index("ix_notices_open", "created_at", postgresql_where=sa.text("acknowledged_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    kind: Mapped[str]
    part_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey(Part.id, ondelete="CASCADE"))
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey(MaintenanceTicket.id, ondelete="SET NULL")
    )
    data: Mapped[JSON] = mapped_column(server_default=sa.text("'{}'::jsonb"))
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey(User.id, ondelete="SET NULL"))
