"""What the API says about people, and what an admin may send."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from cloud.text import Text
from cloud.timerange import UtcDatetime
from cloud.users.models import UserRole

# Long enough to resist guessing under the login rate limit; upper bound keeps Argon2 input sane.
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 256
Email = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")


class UserRead(BaseModel):
    """A person who can sign in."""

    id: uuid.UUID
    email: str
    full_name: str
    role: UserRole
    location: str | None
    is_active: bool
    created_at: UtcDatetime


class UserCreate(BaseModel):
    """A new person (admins only)."""

    model_config = ConfigDict(extra="forbid")

    email: Text = Email
    full_name: Text = Field(min_length=1, max_length=200)
    role: UserRole
    password: Text = Field(min_length=MIN_PASSWORD_CHARS, max_length=MAX_PASSWORD_CHARS)
    location: Text | None = Field(default=None, max_length=200)


class UserUpdate(BaseModel):
    """Changes to a person (admins only); only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    full_name: Text | None = Field(default=None, min_length=1, max_length=200)
    role: UserRole | None = None
    location: Text | None = Field(default=None, max_length=200)
    is_active: bool | None = None
    password: Text | None = Field(default=None, min_length=MIN_PASSWORD_CHARS, max_length=MAX_PASSWORD_CHARS)
