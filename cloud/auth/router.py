"""HTTP routes of logging in and of service tokens."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, status

from cloud.api.deps import AdminUser, CurrentUser, LoginLimiterDep, SessionDep, SettingsDep
from cloud.auth import service
from cloud.auth.demo import DemoInfo, demo_info
from cloud.auth.schemas import (
    LoginRequest,
    LoginResponse,
    ServiceTokenCreate,
    ServiceTokenCreated,
    ServiceTokenRead,
)
from cloud.users import service as users
from cloud.users.schemas import UserRead

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", response_model=LoginResponse)
def login(
    body: LoginRequest,
    request: Request,
    db_session: SessionDep,
    settings: SettingsDep,
    limiter: LoginLimiterDep,
) -> LoginResponse:
    """Exchange email and password for an access token (rate-limited per account and per address)."""
    ip = request.client.host if request.client else "unknown"
    return service.login(
        db_session=db_session,
        email=body.email,
        password=body.password,
        ip=ip,
        limiter=limiter,
        key=request.app.state.signing_key,
        ttl_s=settings.access_token_ttl_s,
    )


@router.get("/demo", response_model=DemoInfo)
def demo(settings: SettingsDep) -> DemoInfo:
    """The demo's logins for the login page, only when this API runs as the demo (open: no token)."""
    return demo_info(settings.demo)


@router.get("/me", response_model=UserRead)
def me(user: CurrentUser) -> UserRead:
    """Who the token belongs to."""
    return users.to_schema(user)


@router.post("/service-tokens", response_model=ServiceTokenCreated, status_code=status.HTTP_201_CREATED)
def create_service_token(
    body: ServiceTokenCreate, db_session: SessionDep, admin: AdminUser
) -> ServiceTokenCreated:
    """Make a long-lived token for automation; the token is in this response only."""
    return service.create_service_token(db_session=db_session, token_in=body, creator_id=admin.id)


@router.get("/service-tokens", response_model=list[ServiceTokenRead])
def list_service_tokens(db_session: SessionDep, admin: AdminUser) -> list[ServiceTokenRead]:
    """Every service token (without the tokens)."""
    return service.list_service_tokens(db_session=db_session)


@router.delete("/service-tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_service_token(token_id: uuid.UUID, db_session: SessionDep, admin: AdminUser) -> None:
    """Revoke a service token: it answers 401 from now on."""
    service.revoke_service_token(db_session=db_session, token_id=token_id)
