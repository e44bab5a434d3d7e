"""Sites and their lines: the floor plan machines are placed on."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cloud.errors import ConflictError, InvalidRequestError, NotFoundError
from cloud.machines.models import Line, Machine, Site
from cloud.machines.schemas import LineCreate, LineRead, LineUpdate, SiteCreate, SiteRead, SiteUpdate


def _commit(db_session: Session, conflict: str) -> None:
    """Commit; a unique or foreign-key violation becomes ConflictError(conflict)."""
    try:
        db_session.commit()
    except IntegrityError as exc:
        db_session.rollback()
        raise ConflictError(conflict) from exc


def _sites_query() -> sa.Select[Any]:
    lines = sa.select(sa.func.count()).where(Line.site_id == Site.id).scalar_subquery()
    return sa.select(Site, lines.label("line_count")).order_by(Site.name)


def _site_schema(site: Site, line_count: int) -> SiteRead:
    return SiteRead(
        id=site.id,
        name=site.name,
        description=site.description,
        created_at=site.created_at,
        line_count=line_count,
    )


def get_sites(*, db_session: Session) -> list[SiteRead]:
    """Every site, by name."""
    return [_site_schema(*row) for row in db_session.execute(_sites_query())]


def get_site(*, db_session: Session, site_id: uuid.UUID) -> SiteRead:
    """One site; NotFoundError when unknown."""
    row = db_session.execute(_sites_query().where(Site.id == site_id)).first()
    if row is None:
        raise NotFoundError(f"site {site_id} does not exist")
    return _site_schema(*row)


def _require_site(db_session: Session, site_id: uuid.UUID) -> Site:
    site = db_session.get(Site, site_id)
    if site is None:
        raise NotFoundError(f"site {site_id} does not exist")
    return site


def create_site(*, db_session: Session, site_in: SiteCreate) -> SiteRead:
    """Add a site; ConflictError when the name is taken."""
    site = Site(name=site_in.name, description=site_in.description)
    db_session.add(site)
    _commit(db_session, f"a site named {site_in.name!r} exists")
    return get_site(db_session=db_session, site_id=site.id)


def update_site(*, db_session: Session, site_id: uuid.UUID, changes: SiteUpdate) -> SiteRead:
    """Rename or describe a site."""
    site = _require_site(db_session, site_id)
    fields = changes.model_dump(exclude_unset=True)
    if fields.get("name") is not None:
        site.name = fields["name"]
    if "description" in fields:
        site.description = fields["description"]
    _commit(db_session, f"a site named {site.name!r} exists")
    return get_site(db_session=db_session, site_id=site_id)


def delete_site(*, db_session: Session, site_id: uuid.UUID) -> None:
    """Remove a site without lines; ConflictError while it has some."""
    db_session.delete(_require_site(db_session, site_id))
    _commit(db_session, f"site {site_id} still has lines; move or delete them first")


def _lines_query() -> sa.Select[Any]:
    machines = sa.select(sa.func.count()).where(Machine.line_id == Line.id).scalar_subquery()
    return (
        sa.select(Line, Site.name, machines.label("machine_count"))
        .join(Site, Site.id == Line.site_id)
        .order_by(Site.name, Line.name)
    )


def _line_schema(line: Line, site_name: str, machine_count: int) -> LineRead:
    return LineRead(
        id=line.id,
        site_id=line.site_id,
        site_name=site_name,
        name=line.name,
        created_at=line.created_at,
        machine_count=machine_count,
    )


def get_lines(*, db_session: Session, site_id: uuid.UUID | None = None) -> list[LineRead]:
    """Every line (of one site when given), by site name and line name."""
    query = _lines_query()
    if site_id is not None:
        query = query.where(Line.site_id == site_id)
    return [_line_schema(*row) for row in db_session.execute(query)]


def get_line(*, db_session: Session, line_id: uuid.UUID) -> LineRead:
    """One line; NotFoundError when unknown."""
    row = db_session.execute(_lines_query().where(Line.id == line_id)).first()
    if row is None:
        raise NotFoundError(f"line {line_id} does not exist")
    return _line_schema(*row)


def _check_site(db_session: Session, site_id: uuid.UUID) -> None:
    if db_session.get(Site, site_id) is None:
        raise InvalidRequestError(f"site {site_id} does not exist", ("body", "site_id"))


def create_line(*, db_session: Session, line_in: LineCreate) -> LineRead:
    """Add a line to a site; ConflictError when the site has a line of that name."""
    _check_site(db_session, line_in.site_id)
    line = Line(site_id=line_in.site_id, name=line_in.name)
    db_session.add(line)
    _commit(db_session, f"site {line_in.site_id} already has a line named {line_in.name!r}")
    return get_line(db_session=db_session, line_id=line.id)


def update_line(*, db_session: Session, line_id: uuid.UUID, changes: LineUpdate) -> LineRead:
    """Rename a line or move it to another site."""
    line = db_session.get(Line, line_id)
    if line is None:
        raise NotFoundError(f"line {line_id} does not exist")
    if changes.site_id is not None:
        _check_site(db_session, changes.site_id)
        line.site_id = changes.site_id
    if changes.name is not None:
        line.name = changes.name
    _commit(db_session, f"site {line.site_id} already has a line named {line.name!r}")
    return get_line(db_session=db_session, line_id=line_id)


def delete_line(*, db_session: Session, line_id: uuid.UUID) -> None:
    """Remove a line without machines; ConflictError while machines are on it."""
    line = db_session.get(Line, line_id)
    if line is None:
        raise NotFoundError(f"line {line_id} does not exist")
    db_session.delete(line)
    _commit(db_session, f"line {line_id} still has machines; move them first")
