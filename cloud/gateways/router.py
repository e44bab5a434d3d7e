"""HTTP routes of gateways."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from cloud.api.deps import CurrentUser, SessionDep
from cloud.gateways import service
from cloud.gateways.gaps import seq_gaps
from cloud.gateways.schemas import GatewayGaps, GatewayRead
from cloud.text import Text

router = APIRouter(prefix="/gateways", tags=["gateways"])


@router.get("", response_model=list[GatewayRead])
def list_gateways(db_session: SessionDep, user: CurrentUser) -> list[GatewayRead]:
    """Every gateway with its last status."""
    return service.get_all(db_session=db_session)


@router.get("/{gateway_id}", response_model=GatewayRead)
def get_gateway(
    gateway_id: Annotated[Text, Path(min_length=1, max_length=200)], db_session: SessionDep, user: CurrentUser
) -> GatewayRead:
    """One gateway with its last status."""
    return service.get(db_session=db_session, gateway_id=gateway_id)


@router.get("/{gateway_id}/gaps", response_model=GatewayGaps)
def get_gateway_gaps(
    gateway_id: Annotated[Text, Path(min_length=1, max_length=200)], db_session: SessionDep, user: CurrentUser
) -> GatewayGaps:
    """Seqs missing from the gateway's readings and predictions, and what its outbox dropped by policy."""
    gateway = service.get(db_session=db_session, gateway_id=gateway_id)
    return GatewayGaps(
        gateway_id=gateway.id,
        streams=seq_gaps(db_session=db_session, gateway_id=gateway.id),
        dropped=gateway.dropped,
    )
