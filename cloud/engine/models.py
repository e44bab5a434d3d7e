"""The ticket policy engineers set through the API: one row, read by the engine every few seconds."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloud.db import JSON, Base
from cloud.users.models import User

# The table holds at most this one row; no row means "use the settings' defaults".
POLICY_ROW_ID = 1


class EnginePolicy(Base):
    """The ticket policy's knobs (``config``, the API's field names) and who changed them last, when."""

    __tablename__ = "engine_policy"
    __table_args__ = (sa.CheckConstraint(f"id = {POLICY_ROW_ID}", name="single_row"),)

    id: Mapped[int] = mapped_column(sa.SmallInteger(), primary_key=True, autoincrement=False)
    config: Mapped[JSON]
    updated_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    updated_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey(User.id, ondelete="SET NULL"))
