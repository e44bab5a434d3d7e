"""HTTP routes of gateways."""

from __future__ import annotations

from fastapi import APIRouter

from cloud.api.deps import SessionDep
from cloud.gateways import service
from cloud.gateways.schemas import GatewayRead

router = APIRouter(prefix="/gateways", tags=["gateways"])


@router.get("", response_model=list[GatewayRead])
def list_gateways(db_session: SessionDep) -> list[GatewayRead]:
    """Every gateway with its last status."""
    return service.get_all(db_session=db_session)
