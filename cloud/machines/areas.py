"""Which sites and lines each person works at: read, and replaced as a whole by an engineer.

Automatic assignment (:mod:`cloud.engine.assign`) reads the same two tables; this module is the only writer.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from cloud.errors import ConflictError, InvalidRequestError, NotFoundError
from cloud.machines.models import Line, Site, TechnicianLine, TechnicianSite
from cloud.machines.schemas import AreaRef, UserAreas, UserAreasUpdate
from cloud.users.models import User


def _areas_of(db_session: Session, user_ids: Iterable[uuid.UUID] | None) -> dict[uuid.UUID, UserAreas]:
    """Areas keyed by person, in two queries whatever the number of people (None = everyone with any)."""
    sites = sa.select(TechnicianSite.user_id, Site.id, Site.name).join(
        Site, Site.id == TechnicianSite.site_id
    )
    lines = (
        sa.select(TechnicianLine.user_id, Line.id, Line.name, Site.id, Site.name)
        .join(Line, Line.id == TechnicianLine.line_id)
        .join(Site, Site.id == Line.site_id)
    )
    if user_ids is not None:
        wanted = list(user_ids)
        sites = sites.where(TechnicianSite.user_id.in_(wanted))
        lines = lines.where(TechnicianLine.user_id.in_(wanted))
    by_site: dict[uuid.UUID, list[AreaRef]] = defaultdict(list)
    by_line: dict[uuid.UUID, list[AreaRef]] = defaultdict(list)
    for user_id, site_id, site_name in db_session.execute(sites.order_by(Site.name)):
        by_site[user_id].append(AreaRef(id=site_id, name=site_name))
    for user_id, line_id, line_name, site_id, site_name in db_session.execute(
        lines.order_by(Site.name, Line.name)
    ):
        by_line[user_id].append(AreaRef(id=line_id, name=line_name, site_id=site_id, site_name=site_name))
    return {
        user_id: UserAreas(user_id=user_id, sites=by_site.get(user_id, []), lines=by_line.get(user_id, []))
        for user_id in by_site.keys() | by_line.keys()
    }


def get_all(*, db_session: Session) -> list[UserAreas]:
    """Every person who belongs to at least one site or line (the users page joins them to the roster)."""
    return sorted(_areas_of(db_session, None).values(), key=lambda a: str(a.user_id))


def get(*, db_session: Session, user_id: uuid.UUID) -> UserAreas:
    """One person's sites and lines (both empty when they belong nowhere); NotFoundError if unknown."""
    if db_session.get(User, user_id) is None:
        raise NotFoundError(f"user {user_id} does not exist")
    return _areas_of(db_session, [user_id]).get(user_id) or UserAreas(user_id=user_id, sites=[], lines=[])


def _check_exist(
    db_session: Session, column: InstrumentedAttribute[uuid.UUID], ids: list[uuid.UUID], field: str
) -> None:
    """InvalidRequestError naming the first id in ``ids`` that ``column`` lacks, and where it was sent."""
    found = set(db_session.scalars(sa.select(column).where(column.in_(ids))))
    for index, value in enumerate(ids):
        if value not in found:
            kind = field.removesuffix("_ids")
            raise InvalidRequestError(f"{kind} {value} does not exist", ("body", field, str(index)))


def replace(*, db_session: Session, user_id: uuid.UUID, areas_in: UserAreasUpdate) -> UserAreas:
    """Set the person's sites and lines to exactly those sent (duplicates count once); all or nothing."""
    if db_session.get(User, user_id) is None:
        raise NotFoundError(f"user {user_id} does not exist")
    site_ids = list(dict.fromkeys(areas_in.site_ids))
    line_ids = list(dict.fromkeys(areas_in.line_ids))
    _check_exist(db_session, Site.id, site_ids, "site_ids")
    _check_exist(db_session, Line.id, line_ids, "line_ids")
    try:
        db_session.execute(sa.delete(TechnicianSite).where(TechnicianSite.user_id == user_id))
        db_session.execute(sa.delete(TechnicianLine).where(TechnicianLine.user_id == user_id))
        if site_ids:
            db_session.execute(
                sa.insert(TechnicianSite), [{"user_id": user_id, "site_id": s} for s in site_ids]
            )
        if line_ids:
            rows = [{"user_id": user_id, "line_id": line_id} for line_id in line_ids]
            db_session.execute(sa.insert(TechnicianLine), rows)
        db_session.commit()
    except IntegrityError as exc:
        # A site or line deleted between the check and the insert, or a concurrent replace of the same person.
        db_session.rollback()
        raise ConflictError(f"the sites or lines of user {user_id} changed meanwhile; try again") from exc
    return get(db_session=db_session, user_id=user_id)
