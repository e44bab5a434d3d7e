"""The site -> line -> machine hierarchy: ``sites``, ``lines`` and ``machines``."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloud.db import Base
from cloud.gateways.models import Gateway
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
