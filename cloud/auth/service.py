"""Logging in, resolving a token to its user, and managing service tokens."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.auth import tokens
from cloud.auth.errors import NotAuthenticatedError
from cloud.auth.models import ServiceToken
from cloud.auth.ratelimit import LoginLimiter
from cloud.auth.schemas import LoginResponse, ServiceTokenCreate, ServiceTokenCreated, ServiceTokenRead
from cloud.errors import InvalidRequestError, NotFoundError
from cloud.users import service as users
from cloud.users.models import User
from cloud.users.passwords import verify_password

logger = logging.getLogger(__name__)

WRONG_CREDENTIALS = "wrong email or password"


def login(
    *,
    db_session: Session,
    email: str,
    password: str,
    ip: str,
    limiter: LoginLimiter,
    key: str,
    ttl_s: int,
) -> LoginResponse:
    """An access token for the right password of an active user; counts failures against the limits."""
    limiter.check(email=email, ip=ip)
    user = users.get_by_email(db_session=db_session, email=email)
    ok = verify_password(password, user.password_hash if user else None)
    if user is None or not ok or not user.is_active:
        limiter.failed(email=email, ip=ip)
        logger.info("failed login for %s from %s", email, ip)
        raise NotAuthenticatedError(WRONG_CREDENTIALS)
    limiter.succeeded(email=email)
    access = tokens.issue_access_token(
        user_id=user.id, role=user.role.value, key=key, ttl_s=ttl_s, version=user.token_version
    )
    return LoginResponse(access_token=access.token, expires_at=access.expires_at, user=users.to_schema(user))


def user_for_token(*, db_session: Session, token: str, key: str) -> User:
    """The active user a bearer token (access or service) stands for; NotAuthenticatedError otherwise."""
    if tokens.is_service_token(token):
        user = _user_for_service_token(db_session=db_session, token=token)
    else:
        claims = tokens.read_access_token(token, key=key)
        user = db_session.get(User, claims.user_id)
        if user is not None and user.is_active and claims.version != user.token_version:
            raise NotAuthenticatedError(
                "the token was revoked: the user's password, role or access changed since; log in again"
            )
    if user is None or not user.is_active:
        raise NotAuthenticatedError("the token's user no longer exists or was deactivated")
    return user


def _user_for_service_token(*, db_session: Session, token: str) -> User | None:
    now = datetime.now(UTC)
    row = db_session.scalars(
        sa.select(ServiceToken).where(ServiceToken.token_hash == tokens.hash_service_token(token))
    ).first()
    if row is None or row.revoked_at is not None:
        raise NotAuthenticatedError("the service token is not valid or was revoked")
    if row.expires_at is not None and row.expires_at <= now:
        raise NotAuthenticatedError("the service token has expired")
    # Stamped without a lock: the newest of concurrent uses wins, which is all "last used" needs.
    db_session.execute(sa.update(ServiceToken).where(ServiceToken.id == row.id).values(last_used_at=now))
    db_session.commit()
    return db_session.get(User, row.user_id)


def _token_read(row: ServiceToken) -> ServiceTokenRead:
    return ServiceTokenRead.model_validate(row, from_attributes=True)


def create_service_token(
    *, db_session: Session, token_in: ServiceTokenCreate, creator_id: uuid.UUID
) -> ServiceTokenCreated:
    """A new service token for ``token_in.user_id`` (default the creator); the token is returned once."""
    user_id = token_in.user_id or creator_id
    if db_session.get(User, user_id) is None:
        raise InvalidRequestError(f"user {user_id} does not exist", ("body", "user_id"))
    if token_in.expires_at is not None and token_in.expires_at <= datetime.now(UTC):
        raise InvalidRequestError("expires_at is in the past", ("body", "expires_at"))
    token, token_hash = tokens.new_service_token()
    row = ServiceToken(
        name=token_in.name, user_id=user_id, token_hash=token_hash, expires_at=token_in.expires_at
    )
    db_session.add(row)
    db_session.commit()
    logger.info("service token %s (%s) created for user %s", row.id, row.name, user_id)
    return ServiceTokenCreated(**_token_read(row).model_dump(), token=token)


def list_service_tokens(*, db_session: Session) -> list[ServiceTokenRead]:
    """Every service token, newest first."""
    rows = db_session.scalars(sa.select(ServiceToken).order_by(ServiceToken.created_at.desc()))
    return [_token_read(row) for row in rows]


def revoke_service_token(*, db_session: Session, token_id: uuid.UUID) -> None:
    """Make a service token stop working (idempotent)."""
    row = db_session.get(ServiceToken, token_id)
    if row is None:
        raise NotFoundError(f"service token {token_id} does not exist")
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        db_session.commit()
        logger.info("service token %s revoked", token_id)
