"""The site -> line -> machine hierarchy: ``sites``, ``lines`` and ``machines``."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from cloud.db import JSON, Base
from cloud.gateways.models import Gateway
from cloud.users.models import User
from contract.payloads import new_id


class Site(Base):
    """A plant or building."""

    __tablename__ = "sites"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(unique=True)
    description: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())


class Line(Base):
    """A production line of a site; names are unique within their site."""

    __tablename__ = "lines"
    __table_args__ = (sa.UniqueConstraint("site_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    site_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(Site.id))
    name: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())


class Machine(Base):
    """A machine; ``registered`` is false for a placeholder made when data beat its gateway's status."""

    __tablename__ = "machines"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str]
    type: Mapped[str]
    location: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    gateway_id: Mapped[str | None] = mapped_column(sa.ForeignKey(Gateway.id))
    registered: Mapped[bool] = mapped_column(server_default=sa.true())
    # Null until someone places the machine (gateways register machines without knowing the floor plan).
    line_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey(Line.id), index=True)
    # Announced by a gateway and bound to it, awaiting an engineer's approval (docs/security.md).
    pending: Mapped[bool] = mapped_column(server_default=sa.false())
    # Fields an engineer set (name, type, location): a gateway's status proposes, never overwrites them.
    engineer_fields: Mapped[list[str]] = mapped_column(
        postgresql.ARRAY(sa.Text), server_default=sa.text("'{}'::text[]")
    )


class MachineEvent(Base):
    """The audit trail of a machine's binding: approvals and re-homes, by whom and when."""

    __tablename__ = "machine_events"
    __table_args__ = (sa.Index("ix_machine_events_machine_id_at", "machine_id", "at"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    machine_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(Machine.id, ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    actor_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey(User.id))
    # approved | rehomed
    kind: Mapped[str]
    # What changed, e.g. {"from": "gw-a", "to": "gw-b"}.
    data: Mapped[JSON] = mapped_column(server_default=sa.text("'{}'::jsonb"))


class TechnicianSite(Base):
    """A person who works at a whole site: new tickets anywhere on it may go to them."""

    __tablename__ = "technician_sites"

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(User.id, ondelete="CASCADE"), primary_key=True)
    # Deleting an (empty) site ends its crew's membership rather than blocking the delete.
    site_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey(Site.id, ondelete="CASCADE"), primary_key=True, index=True
    )


class TechnicianLine(Base):
    """A person who works on one line: new tickets on its machines go to them first."""

    __tablename__ = "technician_lines"

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(User.id, ondelete="CASCADE"), primary_key=True)
    line_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey(Line.id, ondelete="CASCADE"), primary_key=True, index=True
    )
