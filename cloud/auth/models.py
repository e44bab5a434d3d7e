"""The ``service_tokens`` table: long-lived tokens for automation, stored only as a hash."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloud.db import Base
from cloud.users.models import User
from contract.payloads import new_id


class ServiceToken(Base):
    """A revocable token that acts with the permissions of ``user_id``."""

    __tablename__ = "service_tokens"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str]
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(User.id))
    # SHA-256 of the token: it holds 256 random bits, so a slow hash adds nothing (unlike passwords).
    token_hash: Mapped[str] = mapped_column(unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
