"""HTTP route of the health check: open to everyone, with details only for a signed-in caller."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from cloud.api.deps import BearerDep, CommandsDep, SessionDep, get_current_user
from cloud.auth import tokens
from cloud.auth.errors import NotAuthenticatedError
from cloud.health import service
from cloud.health.schemas import Health

logger = logging.getLogger(__name__)
router = APIRouter(tags=["health"])


def _signed_in(request: Request, db_session: SessionDep, credentials: BearerDep) -> bool:
    """Whether the caller sent a valid token; an access token is checked without the database, which may
    be the very thing that is down."""
    if credentials is None:
        return False
    try:
        if tokens.is_service_token(credentials.credentials):
            get_current_user(request, db_session, credentials)
        else:
            tokens.read_access_token(credentials.credentials, key=request.app.state.signing_key)
    except NotAuthenticatedError:
        return False
    except Exception:  # the database is down: a service token cannot be checked, so no details
        logger.debug("could not check a service token for the health check", exc_info=True)
        return False
    return True


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(
    request: Request, db_session: SessionDep, commands: CommandsDep, credentials: BearerDep
) -> Health | JSONResponse:
    """Database, broker link and ingestion status; 503 when the database is unreachable.

    Without a valid token only ``{"status"}`` is returned: load balancers need no more, and errors name hosts.
    """
    result = service.check(db_session=db_session, broker_connected=commands.connected)
    status = 200 if result.database.ok else 503
    if not _signed_in(request, db_session, credentials):
        return JSONResponse({"status": result.status}, status_code=status)
    if status != 200:
        return JSONResponse(result.model_dump(mode="json"), status_code=status)
    return result


@router.get("/health/live")
def live() -> dict[str, str]:
    """Liveness for a load balancer or supervisor: the process answers; it checks nothing else."""
    return {"status": "alive"}


@router.get("/health/ready", responses={503: {"description": "the database is unreachable"}})
def ready(db_session: SessionDep) -> JSONResponse:
    """Readiness: 200 when the API can serve requests (its database answers), else 503, with no details."""
    try:
        db_session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db_session.rollback()
        logger.warning("readiness check: database unreachable")
        return JSONResponse({"status": "not ready"}, status_code=503)
    return JSONResponse({"status": "ready"})
