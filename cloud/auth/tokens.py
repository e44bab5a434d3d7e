"""Access tokens (short-lived JWTs signed with the API secret) and service tokens (random, stored hashed)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from cloud.auth.errors import NotAuthenticatedError

ALGORITHM = "HS256"
# Service tokens carry this prefix so they are told apart from JWTs and found by secret scanners.
SERVICE_TOKEN_PREFIX = "mxs_"
# Tolerated clock difference between API replicas when checking exp/iat.
LEEWAY_S = 5


@dataclass(frozen=True, slots=True)
class AccessToken:
    """A signed access token and when it stops working."""

    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """Whom a verified access token names, and the user's token version it was issued under."""

    user_id: uuid.UUID
    version: int


def issue_access_token(
    *, user_id: uuid.UUID, role: str, key: str, ttl_s: int, version: int = 0, now: datetime | None = None
) -> AccessToken:
    """A JWT naming the user, role and token version (``users.token_version``), valid for ``ttl_s`` s."""
    now = now or datetime.now(UTC)
    expires_at = now + timedelta(seconds=ttl_s)
    claims = {"sub": str(user_id), "role": role, "ver": version, "iat": now, "exp": expires_at}
    return AccessToken(jwt.encode(claims, key, algorithm=ALGORITHM), expires_at)


def read_access_token(token: str, *, key: str) -> TokenClaims:
    """The claims of a valid access token; NotAuthenticatedError when expired, forged or malformed."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            leeway=LEEWAY_S,
            options={"require": ["sub", "exp", "iat", "ver"]},
        )
        version = claims["ver"]
        if type(version) is not int:
            raise TypeError("ver is not an integer")
        return TokenClaims(uuid.UUID(claims["sub"]), version)
    except jwt.ExpiredSignatureError as exc:
        raise NotAuthenticatedError("the token has expired; log in again") from exc
    except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
        raise NotAuthenticatedError("the token is not valid; log in again") from exc


def new_service_token() -> tuple[str, str]:
    """A fresh service token and the hash to store (the token itself is shown once, never stored)."""
    token = SERVICE_TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, hash_service_token(token)


def hash_service_token(token: str) -> str:
    """The stored form of a service token."""
    return hashlib.sha256(token.encode()).hexdigest()


def is_service_token(token: str) -> bool:
    """Whether ``token`` looks like a service token rather than a JWT."""
    return token.startswith(SERVICE_TOKEN_PREFIX)
