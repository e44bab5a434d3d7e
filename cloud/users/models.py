"""The ``users`` table: one row per person, with a role that decides what they may do."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloud.db import Base, enum_values
from contract.payloads import new_id


class UserRole(enum.StrEnum):
    """What a person may do: admins manage users, engineers models and policy, technicians their tickets."""

    ADMIN = "admin"
    ENGINEER = "engineer"
    TECHNICIAN = "technician"


class User(Base):
    """A person who signs in; technicians are the people tickets are assigned to."""

    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(unique=True)
    full_name: Mapped[str]
    role: Mapped[UserRole] = mapped_column(sa.Enum(UserRole, name="user_role", values_callable=enum_values))
    # Null for a person who cannot sign in yet (e.g. a technician imported from a roster).
    password_hash: Mapped[str | None]
    # Where the person works (matches machines.location), so tickets can go to someone nearby.
    location: Mapped[str | None]
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Carried in every access token and checked on every request: raising it (a new password, another
    # role, a deactivation) revokes all the tokens the user holds at once, not when they expire.
    token_version: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
