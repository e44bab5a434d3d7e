"""FastAPI dependencies as aliases: settings, a session per request, the command sink, and who is calling."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from cloud.auth import service as auth
from cloud.auth.errors import NotAuthenticatedError, PermissionDeniedError
from cloud.auth.ratelimit import LoginLimiter
from cloud.config import Settings
from cloud.notify import CommandSink
from cloud.users.models import User, UserRole
from cloud.workdone.storage import BlobStore

# auto_error=False: a missing header becomes our own 401 problem, not FastAPI's 403.
_bearer = HTTPBearer(
    auto_error=False, description="an access token from POST /api/auth/login, or a service token"
)


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """A session for one request; rolled back if the request fails before it commits."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    with factory() as session:
        yield session


def get_commands(request: Request) -> CommandSink:
    """Where commands for gateways go."""
    commands: CommandSink = request.app.state.commands
    return commands


def get_blobs(request: Request) -> BlobStore:
    """Where ticket attachments are kept."""
    blobs: BlobStore = request.app.state.blobs
    return blobs


def get_login_limiter(request: Request) -> LoginLimiter:
    """The app's failed-login counter."""
    limiter: LoginLimiter = request.app.state.login_limiter
    return limiter


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
CommandsDep = Annotated[CommandSink, Depends(get_commands)]
BlobsDep = Annotated[BlobStore, Depends(get_blobs)]
LoginLimiterDep = Annotated[LoginLimiter, Depends(get_login_limiter)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _user(request: Request, db_session: Session, token: str | None) -> User:
    if not token:
        raise NotAuthenticatedError("this endpoint needs a token: send 'Authorization: Bearer <token>'")
    return auth.user_for_token(db_session=db_session, token=token, key=request.app.state.signing_key)


def get_current_user(request: Request, db_session: SessionDep, credentials: BearerDep) -> User:
    """The user the request's bearer token stands for; 401 without a valid one."""
    return _user(request, db_session, credentials.credentials if credentials else None)


def get_optional_user(request: Request, db_session: SessionDep, credentials: BearerDep) -> User | None:
    """The caller when a valid token came with the request, else None (for endpoints open to everyone)."""
    try:
        return get_current_user(request, db_session, credentials)
    except NotAuthenticatedError:
        return None


def get_stream_user(
    request: Request,
    credentials: BearerDep,
    access_token: Annotated[str | None, Query(description="the token, for EventSource (no headers)")] = None,
) -> User:
    """Like get_current_user, but also takes ``?access_token=``: browsers' EventSource cannot send headers.

    It uses a session of its own, closed at once, so a long-lived stream does not hold a pooled connection.
    """
    factory: sessionmaker[Session] = request.app.state.session_factory
    with factory() as db_session:
        return _user(request, db_session, credentials.credentials if credentials else access_token)


CurrentUser = Annotated[User, Depends(get_current_user)]
OptionalUser = Annotated[User | None, Depends(get_optional_user)]
StreamUser = Annotated[User, Depends(get_stream_user)]


def require_role(*roles: UserRole) -> Callable[[User], User]:
    """A dependency that lets only ``roles`` through (403 for everyone else)."""
    allowed = ", ".join(sorted(role.value for role in roles))

    def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise PermissionDeniedError(f"this needs the role {allowed}; you are {user.role.value}")
        return user

    return check


AdminUser = Annotated[User, Depends(require_role(UserRole.ADMIN))]
EngineerUser = Annotated[User, Depends(require_role(UserRole.ADMIN, UserRole.ENGINEER))]
