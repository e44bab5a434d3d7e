"""HTTP routes of people: everyone may read, admins manage."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from cloud.api.deps import AdminUser, CurrentUser, SessionDep
from cloud.users import service
from cloud.users.models import UserRole
from cloud.users.schemas import UserCreate, UserRead, UserUpdate

router = APIRouter(prefix="/users", tags=["users"])


@router.get("", response_model=list[UserRead])
def list_users(
    db_session: SessionDep, user: CurrentUser, role: UserRole | None = None, active: bool | None = None
) -> list[UserRead]:
    """People sorted by name (e.g. ``?role=technician&active=true`` for the assignee picker)."""
    return service.get_all(db_session=db_session, role=role, active=active)


@router.get("/{user_id}", response_model=UserRead)
def get_user(user_id: uuid.UUID, db_session: SessionDep, user: CurrentUser) -> UserRead:
    """One person."""
    return service.to_schema(service.require(db_session=db_session, user_id=user_id))


@router.post("", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, db_session: SessionDep, admin: AdminUser) -> UserRead:
    """Add a person (admins only)."""
    return service.create(db_session=db_session, user_in=body)


@router.patch("/{user_id}", response_model=UserRead)
def update_user(user_id: uuid.UUID, body: UserUpdate, db_session: SessionDep, admin: AdminUser) -> UserRead:
    """Change a person's name, role, location, password or whether they may log in (admins only)."""
    return service.update(db_session=db_session, user_id=user_id, changes=body)
