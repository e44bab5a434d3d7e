"""What the auth endpoints take and return."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cloud.text import Text
from cloud.timerange import UtcDatetime
from cloud.users.schemas import MAX_PASSWORD_CHARS, UserRead


class LoginRequest(BaseModel):
    """Email and password."""

    model_config = ConfigDict(extra="forbid")

    email: Text = Field(min_length=1, max_length=320)
    password: Text = Field(min_length=1, max_length=MAX_PASSWORD_CHARS)


class LoginResponse(BaseModel):
    """An access token for the Authorization header, when it expires, and who it is for."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: UtcDatetime
    user: UserRead


class ServiceTokenCreate(BaseModel):
    """A new service token; it acts as ``user_id`` (default: the admin creating it)."""

    model_config = ConfigDict(extra="forbid")

    name: Text = Field(min_length=1, max_length=200)
    user_id: uuid.UUID | None = None
    expires_at: UtcDatetime | None = None


class ServiceTokenRead(BaseModel):
    """A service token's metadata (never the token)."""

    id: uuid.UUID
    name: str
    user_id: uuid.UUID
    created_at: UtcDatetime
    expires_at: UtcDatetime | None
    last_used_at: UtcDatetime | None
    revoked_at: UtcDatetime | None


class ServiceTokenCreated(ServiceTokenRead):
    """A service token just made, with the token itself (shown this once)."""

    token: str
