"""HTTP routes of sites, lines and machines: everyone reads, engineers and admins change."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from cloud.api.deps import CurrentUser, EngineerUser, SessionDep
from cloud.machines import areas, binding, hierarchy, service
from cloud.machines.schemas import (
    LineCreate,
    LineRead,
    LineUpdate,
    MachineCreate,
    MachineEventRead,
    MachineRead,
    MachineRehome,
    MachineUpdate,
    SiteCreate,
    SiteRead,
    SiteUpdate,
    UserAreas,
    UserAreasUpdate,
)

router = APIRouter(prefix="/machines", tags=["machines"])
sites_router = APIRouter(prefix="/sites", tags=["sites"])
lines_router = APIRouter(prefix="/lines", tags=["lines"])
# No prefix: "/users/areas" would collide with "/users/{user_id}" of the users router.
areas_router = APIRouter(tags=["users"])
NO_CONTENT = status.HTTP_204_NO_CONTENT


@router.get("", response_model=list[MachineRead])
def list_machines(
    db_session: SessionDep,
    user: CurrentUser,
    site_id: uuid.UUID | None = None,
    line_id: uuid.UUID | None = None,
    pending: bool | None = None,
) -> list[MachineRead]:
    """Machines with their live state, sorted by name (optionally of one site or line, or pending ones)."""
    return service.get_all(db_session=db_session, site_id=site_id, line_id=line_id, pending=pending)


@router.post("", response_model=MachineRead, status_code=status.HTTP_201_CREATED)
def create_machine(body: MachineCreate, db_session: SessionDep, user: EngineerUser) -> MachineRead:
    """Register a machine by hand."""
    return service.create(db_session=db_session, machine_in=body)


@router.get("/{machine_id}", response_model=MachineRead)
def get_machine(machine_id: uuid.UUID, db_session: SessionDep, user: CurrentUser) -> MachineRead:
    """One machine with its live state."""
    return service.get(db_session=db_session, machine_id=machine_id)


@router.patch("/{machine_id}", response_model=MachineRead)
def update_machine(
    machine_id: uuid.UUID, body: MachineUpdate, db_session: SessionDep, user: EngineerUser
) -> MachineRead:
    """Rename a machine or place it on a line."""
    return service.update(db_session=db_session, machine_id=machine_id, changes=body)


@router.post("/{machine_id}/approve", response_model=MachineRead)
def approve_machine(machine_id: uuid.UUID, db_session: SessionDep, user: EngineerUser) -> MachineRead:
    """Confirm a pending machine's binding to the gateway that announced it."""
    return binding.approve(db_session=db_session, machine_id=machine_id, actor=user)


@router.put("/{machine_id}/gateway", response_model=MachineRead)
def rehome_machine(
    machine_id: uuid.UUID, body: MachineRehome, db_session: SessionDep, user: EngineerUser
) -> MachineRead:
    """Move a machine to another gateway; only that gateway may write for it from now on (audited)."""
    return binding.rehome(db_session=db_session, machine_id=machine_id, change=body, actor=user)


@router.get("/{machine_id}/events", response_model=list[MachineEventRead])
def machine_events(
    machine_id: uuid.UUID, db_session: SessionDep, user: CurrentUser
) -> list[MachineEventRead]:
    """The machine's binding audit trail (approvals, re-homes), oldest first."""
    return binding.events(db_session=db_session, machine_id=machine_id)


@router.delete("/{machine_id}", status_code=NO_CONTENT)
def delete_machine(machine_id: uuid.UUID, db_session: SessionDep, user: EngineerUser) -> None:
    """Remove a machine that has no history yet."""
    service.delete(db_session=db_session, machine_id=machine_id)


@sites_router.get("", response_model=list[SiteRead])
def list_sites(db_session: SessionDep, user: CurrentUser) -> list[SiteRead]:
    """Every site, by name."""
    return hierarchy.get_sites(db_session=db_session)


@sites_router.post("", response_model=SiteRead, status_code=status.HTTP_201_CREATED)
def create_site(body: SiteCreate, db_session: SessionDep, user: EngineerUser) -> SiteRead:
    """Add a site."""
    return hierarchy.create_site(db_session=db_session, site_in=body)


@sites_router.get("/{site_id}", response_model=SiteRead)
def get_site(site_id: uuid.UUID, db_session: SessionDep, user: CurrentUser) -> SiteRead:
    """One site."""
    return hierarchy.get_site(db_session=db_session, site_id=site_id)


@sites_router.patch("/{site_id}", response_model=SiteRead)
def update_site(site_id: uuid.UUID, body: SiteUpdate, db_session: SessionDep, user: EngineerUser) -> SiteRead:
    """Rename or describe a site."""
    return hierarchy.update_site(db_session=db_session, site_id=site_id, changes=body)


@sites_router.delete("/{site_id}", status_code=NO_CONTENT)
def delete_site(site_id: uuid.UUID, db_session: SessionDep, user: EngineerUser) -> None:
    """Remove a site without lines."""
    hierarchy.delete_site(db_session=db_session, site_id=site_id)


@lines_router.get("", response_model=list[LineRead])
def list_lines(db_session: SessionDep, user: CurrentUser, site_id: uuid.UUID | None = None) -> list[LineRead]:
    """Every line (of one site when given)."""
    return hierarchy.get_lines(db_session=db_session, site_id=site_id)


@lines_router.post("", response_model=LineRead, status_code=status.HTTP_201_CREATED)
def create_line(body: LineCreate, db_session: SessionDep, user: EngineerUser) -> LineRead:
    """Add a line to a site."""
    return hierarchy.create_line(db_session=db_session, line_in=body)


@lines_router.get("/{line_id}", response_model=LineRead)
def get_line(line_id: uuid.UUID, db_session: SessionDep, user: CurrentUser) -> LineRead:
    """One line."""
    return hierarchy.get_line(db_session=db_session, line_id=line_id)


@lines_router.patch("/{line_id}", response_model=LineRead)
def update_line(line_id: uuid.UUID, body: LineUpdate, db_session: SessionDep, user: EngineerUser) -> LineRead:
    """Rename a line or move it to another site."""
    return hierarchy.update_line(db_session=db_session, line_id=line_id, changes=body)


@lines_router.delete("/{line_id}", status_code=NO_CONTENT)
def delete_line(line_id: uuid.UUID, db_session: SessionDep, user: EngineerUser) -> None:
    """Remove a line without machines."""
    hierarchy.delete_line(db_session=db_session, line_id=line_id)


@areas_router.get("/user-areas", response_model=list[UserAreas])
def list_user_areas(db_session: SessionDep, user: CurrentUser) -> list[UserAreas]:
    """Every person who belongs to a site or line, with those sites and lines (one call for a page)."""
    return areas.get_all(db_session=db_session)


@areas_router.get("/users/{user_id}/areas", response_model=UserAreas)
def get_user_areas(user_id: uuid.UUID, db_session: SessionDep, user: CurrentUser) -> UserAreas:
    """The sites and lines one person works at."""
    return areas.get(db_session=db_session, user_id=user_id)


@areas_router.put("/users/{user_id}/areas", response_model=UserAreas)
def replace_user_areas(
    user_id: uuid.UUID, body: UserAreasUpdate, db_session: SessionDep, user: EngineerUser
) -> UserAreas:
    """Set the sites and lines a person works at; new tickets there go to them first."""
    return areas.replace(db_session=db_session, user_id=user_id, areas_in=body)
