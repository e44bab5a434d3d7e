"""The ``machines`` table."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloud.db import Base
from cloud.gateways.models import Gateway
from contract.payloads import new_id


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
