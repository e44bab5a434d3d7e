"""People: listing, creating and changing users (passwords are stored only as Argon2id hashes)."""

from __future__ import annotations

import logging
import uuid

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cloud.errors import ConflictError, NotFoundError
from cloud.users.models import User, UserRole
from cloud.users.passwords import hash_password
from cloud.users.schemas import UserCreate, UserRead, UserUpdate

logger = logging.getLogger(__name__)


def to_schema(user: User) -> UserRead:
    """The API view of a user (never the password hash)."""
    return UserRead.model_validate(user, from_attributes=True)


def get_all(
    *, db_session: Session, role: UserRole | None = None, active: bool | None = None
) -> list[UserRead]:
    """People sorted by name, optionally of one role and/or activity."""
    query = sa.select(User).order_by(User.full_name, User.id)
    if role is not None:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.is_active.is_(active))
    return [to_schema(user) for user in db_session.scalars(query)]


def require(*, db_session: Session, user_id: uuid.UUID) -> User:
    """The user row; NotFoundError when there is none with this id."""
    user = db_session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"user {user_id} does not exist")
    return user


def get_by_email(*, db_session: Session, email: str) -> User | None:
    """The user with this email (case-insensitive), if any."""
    return db_session.scalars(sa.select(User).where(sa.func.lower(User.email) == email.lower())).first()


def create(*, db_session: Session, user_in: UserCreate) -> UserRead:
    """Add a person; ConflictError when the email is taken."""
    if get_by_email(db_session=db_session, email=user_in.email) is not None:
        raise ConflictError(f"a user with email {user_in.email} exists")
    user = User(
        email=user_in.email,
        full_name=user_in.full_name,
        role=user_in.role,
        location=user_in.location,
        password_hash=hash_password(user_in.password),
    )
    db_session.add(user)
    try:
        db_session.commit()
    except IntegrityError as exc:  # a concurrent request took the email between the check and the insert
        db_session.rollback()
        raise ConflictError(f"a user with email {user_in.email} exists") from exc
    return to_schema(user)


def update(*, db_session: Session, user_id: uuid.UUID, changes: UserUpdate) -> UserRead:
    """Apply the fields sent; a new password is hashed; a password, role or deactivation revokes tokens."""
    user = require(db_session=db_session, user_id=user_id)
    fields = changes.model_dump(exclude_unset=True)
    password = fields.pop("password", None)
    revoke = password is not None
    for name, value in fields.items():
        if value is None and name != "location":
            continue  # only location may be cleared; null for the others means "unchanged"
        if (name == "role" and value != user.role) or (name == "is_active" and user.is_active and not value):
            revoke = True
        setattr(user, name, value)
    if password is not None:
        user.password_hash = hash_password(password)
    if revoke:
        # In SQL, so two concurrent changes both count; every token issued before stops working.
        user.token_version = User.token_version + 1
    db_session.commit()
    if revoke:
        logger.info("user %s changed (password, role or access): their tokens are revoked", user.id)
    return to_schema(user)


def ensure(
    *, db_session: Session, email: str, full_name: str, role: UserRole, password: str
) -> tuple[User, bool]:
    """The user with ``email``, created with these values if missing; returns (user, created)."""
    user = get_by_email(db_session=db_session, email=email)
    if user is not None:
        return user, False
    user = User(email=email, full_name=full_name, role=role, password_hash=hash_password(password))
    db_session.add(user)
    db_session.commit()
    return user, True
