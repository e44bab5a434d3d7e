"""HTTP route of the health check."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from cloud.api.deps import CommandsDep, SessionDep
from cloud.health import service
from cloud.health.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(db_session: SessionDep, commands: CommandsDep) -> Health | JSONResponse:
    """Database, broker link and ingestion status; 503 when the database is unreachable."""
    result = service.check(db_session=db_session, broker_connected=commands.connected)
    if not result.database.ok:
        return JSONResponse(result.model_dump(mode="json"), status_code=503)
    return result
